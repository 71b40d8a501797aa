using Sluice.Errors;
using Sluice.Publishing;

namespace Sluice.GitHub.Tests;

/// <summary>
/// What the release pipeline's PublishDeployment and CommentReport steps do, against <see cref="FakeGitHub"/>: a
/// deployment started by one step and completed by a later one of the same job, and the reports of a folder as one
/// comment per kind over several runs. Every exchange is checked against GitHub's OpenAPI description at the end.
/// </summary>
public sealed class GitHubPublishingTests(GitHubOpenApi openApi) : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private FakeGitHub _fake = null!;
    private readonly string _workspace = Directory.CreateTempSubdirectory("sluice-gh-publish-").FullName;

    public async ValueTask InitializeAsync() => _fake = await FakeGitHub.StartAsync(openApi, Ct);

    public async ValueTask DisposeAsync()
    {
        var findings = await openApi.FindingsAsync(_fake.Exchanges, CancellationToken.None);
        await _fake.DisposeAsync();
        Directory.Delete(_workspace, recursive: true);
        Assert.True(findings.Count == 0, "the wire format drifted from GitHub's OpenAPI description:\n" + string.Join("\n", findings));
    }

    private GitHubPublishing Publishing() => new(new GitHubCalls(_fake.Settings()), _workspace);

    private static DeploymentRun Run(int n) => new("staging", $"sha{n}", "Sluice: promote to staging", new Uri($"https://github.invalid/shop-org/shop/actions/runs/{n}"), null);

    [Fact]
    public async Task A_deployment_started_by_one_step_is_completed_by_a_later_step_and_supersedes_the_last_good_one()
    {
        // Each step is its own process: only the workspace file carries the deployment between them.
        var first = await Publishing().StartAsync(Run(1), Ct);
        Assert.True(File.Exists(Publishing().DeploymentFile("staging")));
        Assert.Equal(first.Id, (await Publishing().CompleteAsync(Run(1), DeploymentOutcome.Succeeded, Ct))!.Id);
        Assert.False(File.Exists(Publishing().DeploymentFile("staging")));

        var second = await Publishing().StartAsync(Run(2), Ct);
        await Publishing().CompleteAsync(Run(2), DeploymentOutcome.Succeeded, Ct);

        string[] States(long id) => _fake.Statuses[id].Select(s => s["state"]!.GetValue<string>()).Reverse().ToArray();
        Assert.Equal(["in_progress", "success", "inactive"], States(first.Id));
        Assert.Equal(["in_progress", "success"], States(second.Id));
        Assert.Equal("https://github.invalid/shop-org/shop/actions/runs/2", _fake.Statuses[second.Id][0]["log_url"]!.GetValue<string>());
        Assert.Equal(["sha1", "sha2"], _fake.Deployments.Select(d => d["ref"]!.GetValue<string>()).Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public async Task Completing_a_deployment_that_was_never_started_in_the_job_sends_nothing()
    {
        Assert.Null(await Publishing().CompleteAsync(Run(1), DeploymentOutcome.Failed, Ct));
        Assert.Empty(_fake.Exchanges);
    }

    [Fact]
    public async Task The_reports_of_a_folder_are_one_comment_per_kind_updated_in_place_over_three_runs()
    {
        _fake.Pulls[7] = ("ada", "abc123");
        var reports = Path.Combine(_workspace, ".sluice", "reports");
        Directory.CreateDirectory(reports);
        for (var run = 1; run <= 3; run++)
        {
            await File.WriteAllTextAsync(Path.Combine(reports, "rehearsal-shop-staging.md"), $"# Rehearsal\nrun {run}\n", Ct);
            await File.WriteAllTextAsync(Path.Combine(reports, "release-shop-staging.md"), $"# Release\nrun {run}\n", Ct);
            var published = await Publishing().CommentReportsAsync(7, reports, Ct);
            Assert.Equal(["rehearsal", "release"], published.Select(p => p.Kind).Order(StringComparer.Ordinal).ToArray());
            Assert.All(published, p => Assert.Equal(run == 1, p.Report.Created));
        }
        var comments = _fake.Comments[7].Select(c => c["body"]!.GetValue<string>()).ToList();
        Assert.Equal(2, comments.Count);
        Assert.Contains(comments, c => c.StartsWith(IReleaseReportPublisher.Marker("rehearsal"), StringComparison.Ordinal) && c.EndsWith("run 3\n", StringComparison.Ordinal));
        Assert.Contains(comments, c => c.StartsWith(IReleaseReportPublisher.Marker("release"), StringComparison.Ordinal) && c.EndsWith("run 3\n", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_token_without_deployments_write_is_reported_by_name()
    {
        _fake.Deny("/deployments", "deployments=write");
        var error = await Assert.ThrowsAsync<SluiceException>(() => Publishing().StartAsync(Run(1), Ct));
        Assert.Equal(ErrorCodes.GitHubPermissionMissing, error.Code);
        Assert.Contains("deployments", error.Message);
        Assert.False(File.Exists(Publishing().DeploymentFile("staging")));
    }

    [Theory]
    [InlineData("started", null)]
    [InlineData("succeeded", DeploymentOutcome.Succeeded)]
    [InlineData("failed", DeploymentOutcome.Failed)]
    public void A_deployment_state_names_the_outcome(string state, DeploymentOutcome? outcome) => Assert.Equal(outcome, GitHubPublishing.Outcome(state));

    [Fact]
    public void An_unknown_deployment_state_is_a_usage_error_naming_the_parameter()
    {
        var error = Assert.Throws<SluiceException>(() => GitHubPublishing.Outcome("done"));
        Assert.Equal(ErrorCodes.BadDeploymentState, error.Code);
        Assert.Contains("--deployment-state", error.Message);
        Assert.Equal(ErrorKind.Usage, error.Kind);
    }

    [Theory]
    [InlineData("refs/pull/12/merge", 12)]
    [InlineData("refs/heads/main", null)]
    public void A_runs_pull_request_comes_from_its_ref(string gitRef, int? pull)
    {
        var run = GitHubRun.FromEnvironment(new Dictionary<string, string>
        {
            ["GITHUB_REF"] = gitRef, ["GITHUB_SHA"] = "abc", ["GITHUB_SERVER_URL"] = "https://github.com", ["GITHUB_REPOSITORY"] = "o/r", ["GITHUB_RUN_ID"] = "99",
        });
        Assert.Equal(pull, run.PullRequest);
        Assert.Equal(new Uri("https://github.com/o/r/actions/runs/99"), run.LogUrl);
    }
}
