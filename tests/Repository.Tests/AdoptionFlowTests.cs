using Npgsql;
using Sluice.Build;
using Sluice.Targets;
using Sluice.Testing.Postgres;

namespace Repository.Tests;

/// <summary>
/// A team's build that picks its components (issue 17), in-process on a new service laid out as the template lays it
/// out: the first Promote on an empty local database seeds it from <c>pipelines/billing/schema</c>; a first Promote that
/// failed before seeding does not poison the drift gate; and a protected environment's gates name only targets the
/// build has (the component to add, otherwise). The remedy rules of <see cref="BuildRemedies"/>, row by row.
/// </summary>
public sealed class AdoptionFlowTests(PostgresFixture postgres) : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly ThrowawayRoot _root = NewService();

    public void Dispose() => _root.Dispose();

    /// <summary>Promote and what it builds on, and seeding; no Approve, Rehearse or Snapshot.</summary>
    private sealed class PickedBuild : SluiceBuild, IPromote, ISeedSchema, IStatus
    {
    }

    private static ThrowawayRoot NewService()
    {
        var root = new ThrowawayRoot("sluice-adoptflow-", withPipelines: false);
        root.CopyIn(Path.Combine("templates", "Sluice.Templates", "content", "sluice", "pipelines", "SERVICE_NAME"), Path.Combine("pipelines", "billing"));
        foreach (var file in Directory.EnumerateFiles(Path.Combine(root.Path, "pipelines"), "*", SearchOption.AllDirectories))
            File.WriteAllText(file, File.ReadAllText(file).Replace("SERVICE_NAME", "billing", StringComparison.Ordinal));
        return root;
    }

    private async Task<(ExitCode Exit, string Output)> RunAsync(string arguments)
    {
        var output = new StringWriter();
        var args = arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries).Concat(["--root", _root.Path]).ToList();
        var result = await BuildRunner.RunAsync(new PickedBuild(), new RunSettings(args, new Dictionary<string, string>(), _root.Path, output), [], Ct);
        return (result.ExitCode, output.ToString());
    }

    [Fact]
    public async Task A_failed_first_Promote_before_seeding_leaves_no_trap_and_the_seeded_Promote_passes_then_a_protected_gate_names_only_the_builds_targets()
    {
        var unseeded = await RunAsync("Promote --env local --skip SeedSchema");
        Assert.True(unseeded.Exit == ExitCode.TargetFailed, unseeded.Output);
        Assert.Contains("example_items", unseeded.Output);
        Assert.Contains("no tables in database 'billing', its schema was never loaded", unseeded.Output);
        Assert.Contains("01_add_note.up.sql", unseeded.Output); // the SQL file's line, not plan.yaml's

        var seeded = await RunAsync("Promote --env local");
        Assert.True(seeded.Exit == ExitCode.Success, seeded.Output);
        Assert.Matches(@"no tables in 127\.0\.0\.1:\d+/billing: loaded 1 schema file\(s\) from pipelines/billing/schema", seeded.Output);
        Assert.Contains("promoted 1 plan(s) to 'local'", seeded.Output);
        Assert.DoesNotContain("schema_drift | fail", seeded.Output);

        // A protected staging on the shared cluster: its gates block; every remedy can be followed with this build.
        await using var staging = await postgres.CreateDatabaseAsync(Ct);
        await using (var connection = new NpgsqlConnection(staging.ConnectionString))
        {
            await connection.OpenAsync(Ct);
            await using var load = new NpgsqlCommand(File.ReadAllText(Path.Combine(_root.Path, "pipelines", "billing", "schema", "0000_base.sql")), connection);
            await load.ExecuteNonQueryAsync(Ct);
        }
        File.WriteAllText(Path.Combine(_root.Path, ".nuke", "parameters.staging.json"),
            """{ "environment": { "provider": "connection", "connection_string_variable": "BILLING_STAGING", "protected": true, "order": 1 } }""");
        var gate = await RunAsync($"Gate --env staging --database {staging.ConnectionString}");

        Assert.True(gate.Exit == ExitCode.TargetFailed, gate.Output);
        Assert.Contains("this build has no Approve target: add IApprove to the build class", gate.Output);
        Assert.Contains("this build has no Rehearse target: add IRehearse to the build class", gate.Output);
        Assert.Contains("this build has no Snapshot target: add ISnapshot to the build class", gate.Output);
    }

    [Fact]
    public void Remedy_rule1_a_remedy_naming_no_command_is_kept() =>
        Assert.Equal("wait for it to finish", new BuildRemedies(_ => false).Rewrite("wait for it to finish"));

    [Fact]
    public void Remedy_rule2_a_remedy_whose_targets_the_build_has_is_kept() =>
        Assert.Equal("take one: ./build.sh Snapshot VerifySnapshot --env staging",
            new BuildRemedies(t => t is "Snapshot" or "VerifySnapshot").Rewrite("take one: ./build.sh Snapshot VerifySnapshot --env staging"));

    [Fact]
    public void Remedy_rule3_a_missing_component_target_names_the_component_to_add() =>
        Assert.Equal("./build.sh Snapshot VerifySnapshot --env staging (this build has no VerifySnapshot target: add ISnapshot to the build class (or ISluiceRelease for all of Sluice's targets))",
            new BuildRemedies(t => t == "Snapshot").Rewrite("./build.sh Snapshot VerifySnapshot --env staging"));

    [Fact]
    public void Remedy_rule4_a_missing_target_no_component_declares_is_named() =>
        Assert.Equal("./build.sh Deploy (this build has no Deploy target)", new BuildRemedies(_ => false).Rewrite("./build.sh Deploy"));

    [Fact]
    public void Every_target_of_a_component_is_in_ISluiceRelease()
    {
        var release = TargetCatalog.Discover(new WholeBuild());
        Assert.All(BuildRemedies.Components.Keys, t => Assert.NotNull(release.Find(t)));
    }

    private sealed class WholeBuild : SluiceBuild, ISluiceRelease
    {
    }
}
