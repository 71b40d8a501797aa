using Npgsql;
using Sluice.Build;
using Sluice.Gates;
using Sluice.Migrations.Plans;
using Sluice.Targets;
using Sluice.Testing.Postgres;

[assembly: AssemblyFixture(typeof(PostgresFixture))]

namespace Sluice.GitHub.Tests;

/// <summary>
/// A protected environment whose <c>gates.approvals_from</c> is <c>["github"]</c>, gated by a team's build with
/// <see cref="IApproveOnGitHub"/>: the session's approvals gate counts the pull request's reviews from
/// <see cref="FakeGitHub"/> (checked against GitHub's OpenAPI description at the end), on a real database of the
/// shared cluster.
/// </summary>
public sealed class GitHubApprovalGateTests(GitHubOpenApi openApi, PostgresFixture postgres) : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private const string PlanId = "0001_add_item_note";
    private FakeGitHub _fake = null!;
    private readonly string _root = NewService();

    private sealed class ReviewedBuild : SluiceBuild, IGate, IApproveOnGitHub
    {
    }

    private sealed class UnreviewedBuild : SluiceBuild, IGate
    {
    }

    public async ValueTask InitializeAsync()
    {
        _fake = await FakeGitHub.StartAsync(openApi, Ct);
        _fake.Pulls[7] = ("ada", "head-sha");
        _fake.Teams["team-billing"] = ["ada", "grace", "linus"];
    }

    public async ValueTask DisposeAsync()
    {
        var findings = await openApi.FindingsAsync(_fake.Exchanges, CancellationToken.None);
        await _fake.DisposeAsync();
        Directory.Delete(_root, recursive: true);
        Assert.True(findings.Count == 0, "the wire format drifted from GitHub's OpenAPI description:\n" + string.Join("\n", findings));
    }

    /// <summary>The template's example service, named billing, with a protected staging taking GitHub's approvals.</summary>
    private static string NewService(string approvalsFrom = """["github"]""")
    {
        var root = Directory.CreateTempSubdirectory("sluice-gh-gate-").FullName;
        var template = Path.Combine(RepositoryRoot(), "templates", "Sluice.Templates", "content", "sluice", "pipelines", "SERVICE_NAME");
        foreach (var file in Directory.EnumerateFiles(template, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(root, "pipelines", "billing", Path.GetRelativePath(template, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.WriteAllText(target, File.ReadAllText(file).Replace("SERVICE_NAME", "billing", StringComparison.Ordinal));
        }
        Directory.CreateDirectory(Path.Combine(root, ".nuke"));
        WriteStaging(root, approvalsFrom);
        return root;
    }

    private static void WriteStaging(string root, string approvalsFrom) =>
        File.WriteAllText(Path.Combine(root, ".nuke", "parameters.staging.json"), $$"""
            {
              "environment": {
                "provider": "connection",
                "connection_string_variable": "BILLING_STAGING",
                "protected": true,
                "gates": { "approvals": 1, "approvals_from": {{approvalsFrom}} }
              }
            }
            """);

    private static string RepositoryRoot() => typeof(GitHubApprovalGateTests).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
        .Cast<System.Reflection.AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;

    private async Task<(ExitCode Exit, string Output)> GateAsync(SluiceBuild build, string extra = "--pull-request 7")
    {
        await using var staging = await postgres.CreateEmptyDatabaseAsync(Ct);
        await using (var connection = new NpgsqlConnection(staging.ConnectionString))
        {
            await connection.OpenAsync(Ct);
            await using var load = new NpgsqlCommand(File.ReadAllText(Path.Combine(_root, "pipelines", "billing", "schema", "0000_base.sql")), connection);
            await load.ExecuteNonQueryAsync(Ct);
        }
        var output = new StringWriter();
        var github = build is IApproveOnGitHub ? $"--git-hub-repository {FakeGitHub.Owner}/{FakeGitHub.Repo} --git-hub-token fake-token --git-hub-api-url {_fake.Url} {extra}" : "";
        var args = $"Gate --env staging --database {staging.ConnectionString} {github} --root {_root}"
            .Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var result = await BuildRunner.RunAsync(build, new RunSettings(args, new Dictionary<string, string>(), _root, output), [], Ct);
        return (result.ExitCode, output.ToString());
    }

    /// <summary>The approvals gate's row, its wrapped continuation lines joined and runs of blanks made one.</summary>
    private static string ApprovalsRow(string output)
    {
        var lines = output.Split('\n');
        var start = Array.FindIndex(lines, l => l.TrimStart().StartsWith("approvals ", StringComparison.Ordinal));
        if (start < 0) return $"no approvals row in:\n{output}";
        var row = lines.Skip(start).TakeWhile((l, i) => i == 0 || !System.Text.RegularExpressions.Regex.IsMatch(l, @"^\s*\w+\s+\| (pass|warn|fail) "));
        return System.Text.RegularExpressions.Regex.Replace(string.Join(" ", row), @"\s+", " ");
    }

    [Fact]
    public async Task A_review_by_an_owner_other_than_the_author_of_the_head_commit_passes_the_approvals_gate()
    {
        _fake.Reviews[7] = [("ada", "APPROVED", "head-sha"), ("grace", "APPROVED", "head-sha")];

        var gate = await GateAsync(new ReviewedBuild());

        var row = ApprovalsRow(gate.Output);
        Assert.Matches(@"approvals \| pass \| approved: 0001_add_item_note by grace", row);
        Assert.Contains(_fake.Exchanges, x => x.Method == "GET" && x.Path.EndsWith("/pulls/7/reviews"));
        Assert.Contains(_fake.Exchanges, x => x.Method == "GET" && x.Path.EndsWith("/teams/team-billing/members"));
    }

    [Fact]
    public async Task Only_the_authors_own_approval_blocks_with_the_remedy_of_an_owners_review()
    {
        _fake.Reviews[7] = [("ada", "APPROVED", "head-sha"), ("mallory", "APPROVED", "head-sha")];

        var gate = await GateAsync(new ReviewedBuild());

        Assert.True(gate.Exit == ExitCode.TargetFailed, gate.Output);
        var row = ApprovalsRow(gate.Output);
        Assert.Matches(@"approvals \| fail \| missing approvals: 0001_add_item_note has 0 of 1", row);
        Assert.True(row.Contains("a member of the plan's owner team other than the author approves pull request #7 on GitHub", StringComparison.Ordinal), row);
        Assert.DoesNotContain("./build.sh Approve", row); // this environment does not count Approve
    }

    [Fact]
    public async Task A_push_after_the_review_voids_it_and_the_gate_says_so()
    {
        _fake.Reviews[7] = [("grace", "APPROVED", "old-sha")];

        var gate = await GateAsync(new ReviewedBuild());

        Assert.True(gate.Exit == ExitCode.TargetFailed, gate.Output);
        var row = ApprovalsRow(gate.Output);
        Assert.True(row.Contains($"grace's approval of {PlanId} is void: a push after the review (it approved commit old-sha; pull request #7 is now at head-sh)",
            StringComparison.Ordinal), row);
    }

    [Fact]
    public async Task An_environment_taking_GitHub_approvals_in_a_build_without_them_stops_before_anything_with_the_file_and_line()
    {
        var gate = await GateAsync(new UnreviewedBuild());

        Assert.True(gate.Exit == ExitCode.UsageError, gate.Output);
        Assert.Contains("error SLU146: gates.approvals_from lists \"github\", but this build reads no GitHub reviews (.nuke/parameters.staging.json:6)", gate.Output);
        Assert.Contains("add the component IApproveOnGitHub", gate.Output);
        Assert.Empty(_fake.Exchanges);
    }

    [Theory]
    [InlineData("""["gerrit"]""", """gates.approvals_from: "gerrit" is not an approval source""")]
    [InlineData("""[]""", "gates.approvals_from is not a list of approval sources: []")]
    [InlineData("""["github", "github"]""", """gates.approvals_from lists "github" twice""")]
    [InlineData("\"github\"", "gates.approvals_from is not a list of approval sources: \"github\"")]
    public async Task A_bad_approvals_from_is_a_usage_error_with_the_file_and_line(string approvalsFrom, string message)
    {
        WriteStaging(_root, approvalsFrom);

        var gate = await GateAsync(new ReviewedBuild());

        Assert.True(gate.Exit == ExitCode.UsageError, gate.Output);
        Assert.Contains($"error SLU076: {message} (.nuke/parameters.staging.json:6)", gate.Output);
        Assert.Empty(_fake.Exchanges);
    }

    [Fact]
    public async Task A_release_of_the_merge_commit_reads_the_reviews_of_the_pull_request_it_came_from()
    {
        _fake.Reviews[7] = [("grace", "APPROVED", "head-sha")];
        _fake.MergedPullOf["merge-sha"] = 7;
        var plan = new MigrationPlan(PlanId, "team-billing", MigrationRisk.Low, "note", TimeSpan.FromDays(1), [], "/p", "/p/plan.yaml", "hash");
        var source = new GitHubApprovalSource(new GitHubCalls(_fake.Settings()), null, "merge-sha", null, [plan]);

        var approvals = await source.ReadApprovalsAsync("staging", PlanId, "hash", Ct);

        Assert.Equal(["grace"], approvals.Select(a => a.By).ToArray());
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), approvals[0].At); // given when submitted
        Assert.Contains("pull request #7", source.HowToApprove("staging"));
    }

    [Fact]
    public async Task A_release_of_a_commit_no_pull_request_holds_is_reported_as_unreviewed()
    {
        var plan = new MigrationPlan(PlanId, "team-billing", MigrationRisk.Low, "note", TimeSpan.FromDays(1), [], "/p", "/p/plan.yaml", "hash");
        var source = new GitHubApprovalSource(new GitHubCalls(_fake.Settings()), null, "lonely-sha", null, [plan]);

        var error = await Assert.ThrowsAsync<Errors.SluiceException>(() => source.ReadApprovalsAsync("staging", PlanId, "hash", Ct));

        Assert.Equal("SLU147", error.Code);
        Assert.Contains("commit lonely- belongs to no pull request of shop-org/shop", error.Message);
    }
}
