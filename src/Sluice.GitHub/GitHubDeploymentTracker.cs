using Octokit;
using Sluice.Publishing;

namespace Sluice.GitHub;

/// <summary>
/// GitHub deployments per environment and run: created and marked <c>in_progress</c> at the start, then <c>success</c>
/// or <c>failure</c>, each status with the run's log URL and the environment URL. A success marks the environment's
/// earlier successful deployments <c>inactive</c> itself (<c>auto_inactive</c> is off so the rule is Sluice's, the
/// same on GitHub Enterprise). Needs <c>deployments: write</c>.
/// </summary>
public sealed class GitHubDeploymentTracker(GitHubCalls calls) : IDeploymentTracker
{
    private const string Permission = "deployments: write";
    private GitHubSettings Settings => calls.Settings;

    public async Task<TrackedDeployment> StartAsync(DeploymentRun run, CancellationToken cancellationToken)
    {
        var deployment = await calls.RunAsync($"create a deployment to '{run.Environment}'", Permission, () =>
            calls.Client.Repository.Deployment.Create(Settings.Owner, Settings.Name, new NewDeployment(run.Ref)
            {
                Environment = run.Environment,
                Description = run.Description,
                AutoMerge = false,
                RequiredContexts = [], // Sluice's own gates decide; commit statuses do not block the record
                Task = "deploy",
            }));
        var tracked = new TrackedDeployment(deployment.Id, run);
        await StatusAsync(tracked.Id, run, DeploymentState.InProgress, run.Description);
        return tracked;
    }

    public async Task CompleteAsync(TrackedDeployment deployment, DeploymentOutcome outcome, CancellationToken cancellationToken)
    {
        var run = deployment.Run;
        await StatusAsync(deployment.Id, run, outcome == DeploymentOutcome.Succeeded ? DeploymentState.Success : DeploymentState.Failure,
            outcome == DeploymentOutcome.Succeeded ? $"promoted: {run.Description}" : $"failed: {run.Description}");
        if (outcome != DeploymentOutcome.Succeeded) return;
        var earlier = await calls.RunAsync($"list the deployments of '{run.Environment}'", Permission, () =>
            calls.Api.GetAll<Deployment>(new Uri($"repos/{Settings.Owner}/{Settings.Name}/deployments", UriKind.Relative),
                new Dictionary<string, string> { ["environment"] = run.Environment }));
        foreach (var old in earlier.Where(d => d.Id != deployment.Id))
        {
            var statuses = await calls.RunAsync($"read the statuses of deployment {old.Id}", Permission, () =>
                calls.Client.Repository.Deployment.Status.GetAll(Settings.Owner, Settings.Name, old.Id));
            // The newest status comes first; only a live (successful) deployment is superseded.
            if (statuses.FirstOrDefault()?.State.Value == DeploymentState.Success)
                await StatusAsync(old.Id, run, DeploymentState.Inactive, $"superseded by deployment {deployment.Id}");
        }
    }

    private Task StatusAsync(long id, DeploymentRun run, DeploymentState state, string description) =>
        calls.RunAsync($"set deployment {id} to {state}", Permission, () =>
            calls.Client.Repository.Deployment.Status.Create(Settings.Owner, Settings.Name, id, new NewDeploymentStatus(state)
            {
                LogUrl = run.LogUrl?.ToString(),
                EnvironmentUrl = run.EnvironmentUrl?.ToString(),
                Description = Limit(description),
                AutoInactive = false,
            }));

    /// <summary>GitHub refuses a status description over 140 characters.</summary>
    private static string Limit(string text) => text.Length <= 140 ? text : text[..139] + "…";
}
