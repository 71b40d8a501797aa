using System.Diagnostics;
using System.Text.Json.Nodes;
using Sluice.Environments.AsCode;
using Sluice.Errors;
using Sluice.Migrations.Plans;
using Sluice.Publishing;

namespace Sluice.GitHub.Tests;

/// <summary>
/// Sluice's GitHub parts against <see cref="FakeGitHub"/>; every test ends by checking each request Sluice sent and
/// each answer the fake gave against GitHub's OpenAPI description.
/// </summary>
public sealed class GitHubFakeTests(GitHubOpenApi openApi) : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private FakeGitHub _fake = null!;

    public async ValueTask InitializeAsync() => _fake = await FakeGitHub.StartAsync(openApi, Ct);

    public async ValueTask DisposeAsync()
    {
        var findings = await openApi.FindingsAsync(_fake.Exchanges, CancellationToken.None);
        await _fake.DisposeAsync();
        Assert.True(findings.Count == 0, "the wire format drifted from GitHub's OpenAPI description:\n" + string.Join("\n", findings));
    }

    private GitHubCalls Calls(TimeSpan? maxWait = null) => new(_fake.Settings(maxWait));

    [Fact]
    public async Task A_report_is_one_pull_request_comment_updated_in_place_over_three_runs()
    {
        // Others' comments come first, so the report's comment is found on the second page (two a page).
        _fake.Pulls[7] = ("ada", "abc123");
        var reports = new GitHubPullRequestReport(Calls());
        await PostOthersAsync(7, "looks good", "one question", "ship it");

        var first = await reports.PublishAsync(7, "rehearsal", "run 1: rehearsed in 12 s", Ct);
        var second = await reports.PublishAsync(7, "rehearsal", "run 2: rehearsed in 11 s", Ct);
        var third = await reports.PublishAsync(7, "rehearsal", "run 3: rehearsed in 10 s", Ct);

        Assert.True(first.Created);
        Assert.False(second.Created);
        Assert.False(third.Created);
        Assert.Equal(first.Id, third.Id);
        var ours = _fake.Comments[7].Where(c => c["body"]!.GetValue<string>().Contains(IReleaseReportPublisher.Marker("rehearsal"))).ToList();
        Assert.Single(ours);
        Assert.EndsWith("run 3: rehearsed in 10 s", ours[0]["body"]!.GetValue<string>());
        Assert.Equal(4, _fake.Comments[7].Count);
        Assert.Contains(_fake.Exchanges, x => x.Method == "GET" && x.Path.EndsWith("/issues/7/comments") && x.Query.Contains("page=2"));
        Assert.Equal(2, _fake.Exchanges.Count(x => x.Method == "PATCH"));
    }

    private async Task PostOthersAsync(int pull, params string[] bodies)
    {
        using var http = new HttpClient { BaseAddress = _fake.Url };
        foreach (var body in bodies)
        {
            var response = await http.PostAsync($"repos/{FakeGitHub.Owner}/{FakeGitHub.Repo}/issues/{pull}/comments",
                new StringContent(new JsonObject { ["body"] = body }.ToJsonString()), Ct);
            response.EnsureSuccessStatusCode();
        }
    }

    [Fact]
    public async Task Deployment_statuses_come_in_order_and_the_superseded_deployment_is_marked_inactive()
    {
        var tracker = new GitHubDeploymentTracker(Calls());
        DeploymentRun Run(int n) => new("staging", "main", $"promote run {n}", new Uri($"https://ci.invalid/runs/{n}"), new Uri("https://staging.shop.invalid/"));

        var first = await tracker.StartAsync(Run(1), Ct);
        await tracker.CompleteAsync(first, DeploymentOutcome.Succeeded, Ct);
        var failed = await tracker.StartAsync(Run(2), Ct);
        await tracker.CompleteAsync(failed, DeploymentOutcome.Failed, Ct);
        var third = await tracker.StartAsync(Run(3), Ct);
        await tracker.CompleteAsync(third, DeploymentOutcome.Succeeded, Ct);

        string[] States(TrackedDeployment d) => _fake.Statuses[d.Id].Select(s => s["state"]!.GetValue<string>()).Reverse().ToArray();
        Assert.Equal(["in_progress", "success", "inactive"], States(first));
        Assert.Equal(["in_progress", "failure"], States(failed));
        Assert.Equal(["in_progress", "success"], States(third));
        var latest = _fake.Statuses[third.Id][0];
        Assert.Equal("https://ci.invalid/runs/3", latest["log_url"]!.GetValue<string>());
        Assert.Equal("https://staging.shop.invalid/", latest["environment_url"]!.GetValue<string>());
        // Three deployments at two a page: the supersede walk followed the Link header to page 2.
        Assert.Contains(_fake.Exchanges, x => x.Method == "GET" && x.Path.EndsWith("/deployments") && x.Status == 200);
        Assert.Contains(_fake.Exchanges, x => x.Method == "GET" && x.Path.EndsWith("/deployments") && x.Query.Contains("page=2"));
    }

    [Fact]
    public async Task Approvals_by_the_author_and_by_non_owners_are_ignored()
    {
        _fake.Pulls[7] = ("ada", "head-sha");
        _fake.Teams["team-shop"] = ["ada", "grace", "linus", "hopper"];
        _fake.Reviews[7] =
        [
            ("ada", "APPROVED", "head-sha"),       // the author
            ("mallory", "APPROVED", "head-sha"),   // not an owner
            ("grace", "APPROVED", "head-sha"),     // counts
            ("hopper", "APPROVED", "old-sha"),     // saw other SQL
            ("linus", "APPROVED", "head-sha"),
            ("linus", "CHANGES_REQUESTED", "head-sha"), // withdrew it
        ];
        _fake.RunApprovals[42] = [("hopper", "staging", "approved"), ("mallory", "staging", "approved"), ("linus", "production", "approved")];
        var plan = new MigrationPlan("0001_split", "team-shop", MigrationRisk.Medium, "split", TimeSpan.FromHours(1), [], "/p", "/p/plan.yaml", "hash");
        var source = new GitHubApprovalSource(Calls(), 7, 42, [plan]);

        var approvals = await source.ReadApprovalsAsync("staging", plan.Id, plan.Hash, Ct);

        Assert.Equal(["grace", "hopper"], approvals.Select(a => a.By).ToArray());
        Assert.All(approvals, a => Assert.Equal(("staging", "0001_split", "hash"), (a.Environment, a.PlanId, a.PlanHash)));
    }

    [Fact]
    public async Task A_429_is_honoured_for_its_retry_after_and_a_5xx_is_retried()
    {
        _fake.FailNext(r => r.Method == "POST" && r.Path.Value!.EndsWith("/deployments"), 429, "API rate limit exceeded", ("retry-after", "1"));
        _fake.FailNext(r => r.Method == "POST" && r.Path.Value!.EndsWith("/statuses"), 502, "Server Error");
        var tracker = new GitHubDeploymentTracker(Calls());
        var clock = Stopwatch.StartNew();

        var deployment = await tracker.StartAsync(new DeploymentRun("staging", "main", "promote", null, null), Ct);

        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(0.95), $"retried after {clock.Elapsed}, before retry-after");
        var posts = _fake.Exchanges.Where(x => x.Method == "POST").Select(x => (x.Path.Split('/')[^1], x.Status)).ToArray();
        Assert.Equal([("deployments", 429), ("deployments", 201), ("statuses", 502), ("statuses", 201)], posts);
        Assert.Equal("in_progress", _fake.Statuses[deployment.Id][0]["state"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_rate_limit_that_resets_beyond_the_cap_is_reported_not_waited_out()
    {
        var reset = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        _fake.FailNext(_ => true, 403, "API rate limit exceeded for installation", ("x-ratelimit-remaining", "0"), ("x-ratelimit-limit", "5000"), ("x-ratelimit-reset", reset));
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<SluiceException>(() => new GitHubDeploymentTracker(Calls(TimeSpan.FromSeconds(5)))
            .StartAsync(new DeploymentRun("staging", "main", "promote", null, null), Ct));

        Assert.Equal(ErrorCodes.GitHubUnavailable, error.Code);
        Assert.Contains("resets at", error.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_token_without_deployments_write_is_reported_by_the_permission_name()
    {
        _fake.Deny("/deployments", "deployments=write");

        var error = await Assert.ThrowsAsync<SluiceException>(() => new GitHubDeploymentTracker(Calls())
            .StartAsync(new DeploymentRun("production", "main", "promote", null, null), Ct));

        Assert.Equal(ErrorCodes.GitHubPermissionMissing, error.Code);
        Assert.Equal(ErrorKind.Usage, error.Kind);
        Assert.Contains("deployments: write", error.Message);
        Assert.Contains("deployments: write", error.Remedy);
    }

    [Fact]
    public async Task The_OpenAPI_check_rejects_a_wrong_payload()
    {
        var wrong = new FakeExchange("POST", "/repos/o/r/deployments", 201, new JsonObject { ["ref"] = 42 }, new JsonObject { ["id"] = "not a number" }, Fault: false);
        var unknown = new FakeExchange("POST", "/repos/o/r/deploymints", 201, new JsonObject(), null, Fault: false);

        var findings = await openApi.FindingsAsync([wrong, unknown], Ct);

        Assert.Contains(findings, f => f.Contains("request /ref must be string"));
        Assert.Contains(findings, f => f.Contains("response /id must be integer"));
        Assert.Contains(findings, f => f.Contains("deploymints") && f.Contains("no such operation"));
    }

    [Fact]
    public async Task ConfigureGitHub_plans_the_sample_environments_applies_them_and_a_second_apply_changes_nothing()
    {
        _fake.Teams["team-shop"] = ["ada", "grace"];
        _fake.KnownUsers.Add("grace");
        var file = EnvironmentsFileReader.Read(Path.Combine(GitHubOpenApi.RepositoryRoot, EnvironmentsFile.RelativePath));
        var environments = new GitHubEnvironments(Calls());

        var plan = await environments.PlanAsync(file, Ct);
        var printed = plan.Select(c => c.ToString()).ToList();
        Assert.Contains("create environment staging: reviewers [team team-shop], prevent_self_review on, wait timer 0 min, branches [main]", printed);
        Assert.Contains("create environment production: reviewers [team team-shop, grace], prevent_self_review on, wait timer 10 min, branches [main, release/*]", printed);
        Assert.Contains("add branch policy to production: release/*", printed);
        Assert.Contains("missing secret in production: DATABASE", printed);

        var missing = await environments.ApplyAsync(file, plan, Ct);
        var error = Assert.Throws<SluiceException>(() => GitHubEnvironments.ThrowWhenSecretsMissing(file, missing));
        Assert.Equal(ErrorCodes.SecretMissing, error.Code);
        Assert.Contains("DATABASE (staging), DATABASE (production)", error.Message);
        Assert.Equal(4, error.Line);
        Assert.Equal(["main", "release/*"], _fake.Environments["production"].Policies.Select(p => p.Name).ToArray());
        Assert.Equal(10, _fake.Environments["production"].WaitTimer);

        _fake.RepositorySecrets.Add("DATABASE");
        var writesBefore = _fake.Exchanges.Count(x => x.Method != "GET");
        var again = await environments.PlanAsync(file, Ct);
        Assert.Empty(again);
        GitHubEnvironments.ThrowWhenSecretsMissing(file, await environments.ApplyAsync(file, again, Ct));
        Assert.Equal(writesBefore, _fake.Exchanges.Count(x => x.Method != "GET"));
    }
}
