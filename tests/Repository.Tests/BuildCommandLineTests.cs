namespace Repository.Tests;

/// <summary>
/// The repository's real build assembly, run as a process against a throwaway root: the environment targets as a
/// user runs them (<c>./build.sh Provision --env local</c>), and their input errors.
/// </summary>
public sealed class BuildCommandLineTests : IDisposable
{
    private readonly ThrowawayRoot _throwaway = new("sluice-repo-test-", withPipelines: false);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string Root => _throwaway.Path;

    public void Dispose() => _throwaway.Dispose();

    private Task<(int ExitCode, string Output)> RunAsync(string arguments, CancellationToken ct, Dictionary<string, string>? environment = null) =>
        _throwaway.BuildAsync(arguments, ct, environment);

    [Fact]
    public async Task Provision_creates_the_local_cluster_a_second_run_reuses_it_and_Teardown_removes_it()
    {
        var first = await RunAsync("Provision --env local", Ct);
        Assert.True(first.ExitCode == 0, first.Output);
        Assert.Contains("created the local cluster", first.Output);
        var port = System.Text.RegularExpressions.Regex.Match(first.Output, @"ready at 127\.0\.0\.1:(\d+)/").Groups[1].Value;
        Assert.NotEmpty(port);
        Assert.True(Directory.Exists(Path.Combine(Root, ".sluice", "local", "data")));

        var second = await RunAsync("Provision", Ct);
        Assert.True(second.ExitCode == 0, second.Output);
        Assert.DoesNotContain("created the local cluster", second.Output);
        Assert.Contains($"ready at 127.0.0.1:{port}/", second.Output);

        var teardown = await RunAsync("Teardown --env local", Ct);
        Assert.True(teardown.ExitCode == 0, teardown.Output);
        Assert.False(Directory.Exists(Path.Combine(Root, ".sluice", "local", "data")));
        Assert.False(Directory.Exists(Path.Combine(Root, ".sluice", "local")), "Teardown leaves nothing behind, not even its lock");
    }

    [Fact]
    public async Task A_checkout_inside_a_private_folder_gets_its_local_cluster_data_where_the_server_account_can_reach_it()
    {
        // As root, the server runs as 'postgres', which cannot pass a 0700 folder such as /root or a mktemp -d folder.
        var checkout = Path.Combine(Root, "private", "repo");
        Directory.CreateDirectory(Path.Combine(checkout, ".nuke"));
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(Path.Combine(Root, "private"), (UnixFileMode)0b111_000_000);
        try
        {
            var run = await RunAsync($"Provision --root {checkout}", Ct);
            Assert.True(run.ExitCode == 0, run.Output);
            Assert.Matches(@"created the local cluster on 127\.0\.0\.1:\d+ in /var/tmp/sluice-[0-9a-f]{12}/data", run.Output);
            Assert.True(File.Exists(Path.Combine(checkout, ".sluice", "local", "cluster.json")));
        }
        finally
        {
            var teardown = await RunAsync($"Teardown --root {checkout}", CancellationToken.None);
            Assert.True(teardown.ExitCode == 0, teardown.Output);
        }
    }

    [Fact]
    public async Task A_typo_in_an_environment_file_exits_2_naming_the_file_and_line()
    {
        File.WriteAllText(Path.Combine(Root, ".nuke", "parameters.staging.json"),
            "{\n  \"environment\": {\n    \"provider\": \"connection\",\n    \"conection_string_variable\": \"STAGING_DB\"\n  }\n}\n");
        var run = await RunAsync("Provision --env staging", Ct);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("conection_string_variable", run.Output);
        Assert.Contains("(.nuke/parameters.staging.json:4)", run.Output);
        Assert.False(Directory.Exists(Path.Combine(Root, ".sluice")));
    }

    [Fact]
    public async Task Missing_PostgreSQL_binaries_exit_2_with_the_install_command()
    {
        var run = await RunAsync("Provision", Ct, new() { ["SLUICE_PG_BIN"] = Path.Combine(Root, "no-such-bin") });
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("error SLU010", run.Output);
        Assert.Contains("apt-get install -y postgresql-15", run.Output);
        Assert.False(Directory.Exists(Path.Combine(Root, ".sluice", "local", "data")));
    }

    [Fact]
    public async Task A_data_folder_that_cannot_be_written_exits_2_naming_it()
    {
        var blocked = Path.Combine(Root, "blocked");
        File.WriteAllText(blocked, "a file where a folder should be");
        File.WriteAllText(Path.Combine(Root, ".nuke", "parameters.ro.json"), "{ \"environment\": { \"provider\": \"local\", \"data_dir\": \"blocked/data\" } }");
        var run = await RunAsync("Provision --env ro", Ct);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("error SLU011", run.Output);
        Assert.Contains("blocked", run.Output);
    }

    [Fact]
    public async Task Migrate_with_a_broken_plan_exits_2_naming_file_and_line_before_touching_any_database()
    {
        var plan = Path.Combine(Root, "pipelines", "shop", "migrations", "0001_broken");
        Directory.CreateDirectory(plan);
        File.WriteAllText(Path.Combine(plan, "plan.yaml"),
            "id: 0001_broken\nowner: ana\nrisk: low\ndescription: a plan with a typo\nmax_partial_state: 1h\nphases:\n  - name: add\n    kind: expand\n    up: add.up.sql\n    downn: add.down.sql\n");
        File.WriteAllText(Path.Combine(plan, "add.up.sql"), "ALTER TABLE t ADD COLUMN c int;");
        File.WriteAllText(Path.Combine(plan, "add.down.sql"), "ALTER TABLE t DROP COLUMN c;");

        var run = await RunAsync("Migrate --env local", Ct);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("downn", run.Output);
        Assert.Contains("plan.yaml:10", run.Output);
        Assert.False(Directory.Exists(Path.Combine(Root, ".sluice")), "a bad plan must not provision or touch a database");
    }

    [Fact]
    public async Task Help_lists_the_environment_targets_and_the_contract_parameters()
    {
        var run = await RunAsync("--help", Ct);
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Provision", run.Output);
        Assert.Contains("Teardown", run.Output);
        Assert.Contains("--database VALUE", run.Output);
        Assert.Contains("--environment JSON", run.Output);
        Assert.Contains("--pipelines VALUE", run.Output);
        Assert.Contains("Where migration plans live (default: pipelines)", run.Output);
        Assert.DoesNotContain("(default: pipelines) (default: pipelines)", run.Output);
    }
}
