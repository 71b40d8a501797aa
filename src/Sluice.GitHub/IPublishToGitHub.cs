using Sluice.Build;
using Sluice.Environments;
using Sluice.Publishing;

namespace Sluice.GitHub;

/// <summary>
/// What a CI run shows on GitHub, each part off until the job has a repository and a token (a GitHub Actions job
/// whose pipeline grants the permission; elsewhere the targets say they are off and do nothing):
/// <list type="bullet">
/// <item><c>PublishDeployment --deployment-state started</c> at the start of an environment's job creates the deployment
/// (in progress), <c>succeeded</c> or <c>failed</c> at its end completes it; a success marks the environment's earlier
/// deployments inactive. Needs <c>deployments: write</c>.</item>
/// <item><c>CommentReport</c> on a pull request's run publishes the reports under <c>.sluice/reports/</c> as one comment
/// per kind (rehearsal, release), updated in place. Needs <c>pull-requests: write</c>.</item>
/// </list>
/// </summary>
public interface IPublishToGitHub : IConfigureGitHub
{
    [Parameter("PublishDeployment: started, succeeded or failed")]
    string? DeploymentState => this.Parameter<string>();

    [Parameter("PublishDeployment: where the environment's service answers, shown on the deployment")]
    string? EnvironmentUrl => this.Parameter<string>();

    Target PublishDeployment => _ => _
        .Description("Records the run's deployment to --env on GitHub (--deployment-state started, succeeded or failed)")
        .Executes(async ct =>
        {
            var outcome = GitHubPublishing.Outcome(DeploymentState ?? "started");
            if (Publishing() is not { } publishing) return;
            var run = GitHubRun.FromEnvironment(EnvironmentRequest.ProcessVariables());
            var deployment = new DeploymentRun(Env, run.Sha ?? "HEAD", $"Sluice: promote to {Env}", run.LogUrl, EnvironmentUrl is { } url ? new Uri(url) : null);
            if (outcome is not { } done)
            {
                var started = await publishing.StartAsync(deployment, ct);
                Host.Info($"GitHub deployment {started.Id} to {Env}: in progress");
            }
            else if (await publishing.CompleteAsync(deployment, done, ct) is { } completed)
                Host.Info($"GitHub deployment {completed.Id} to {Env}: {(done == DeploymentOutcome.Succeeded ? "success" : "failure")}");
            else Host.Warning($"no GitHub deployment to {Env} was started in this job: nothing to complete");
        });

    Target CommentReport => _ => _
        .Description("Publishes the reports under .sluice/reports/ as one pull-request comment per kind, updated in place")
        .Executes(async ct =>
        {
            var pull = PullRequest ?? GitHubRun.FromEnvironment(EnvironmentRequest.ProcessVariables()).PullRequest;
            if (pull is not { } number)
            {
                Host.Info("not a pull request's run: no report comment");
                return;
            }
            if (Publishing() is not { } publishing) return;
            foreach (var (kind, report) in await publishing.CommentReportsAsync(number, Root / ".sluice" / "reports", ct))
                Host.Info($"{kind} report {(report.Created ? "commented on" : "updated on")} pull request #{number}{(report.Url is { } link ? $": {link}" : "")}");
        });

    private GitHubPublishing? Publishing()
    {
        if (ConfiguredGitHub() is not { } settings)
        {
            Host.Info("GitHub is off: no repository and token (GITHUB_REPOSITORY and GITHUB_TOKEN in a GitHub Actions job; see docs/github.md)");
            return null;
        }
        return new GitHubPublishing(GitHubCalls.Open(settings), Root);
    }
}
