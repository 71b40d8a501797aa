using System.Text.Json;
using System.Text.Json.Nodes;
using Sluice.Publishing;

namespace Sluice.GitHub;

/// <summary>
/// The GitHub side of a CI run, as the targets of <see cref="IPublishToGitHub"/> call it: a deployment started at the
/// beginning of an environment's job and completed at its end (the id kept in a file of the workspace between the two
/// steps, which share the runner), and the reports of a folder as pull-request comments, one per kind.
/// </summary>
public sealed class GitHubPublishing(GitHubCalls calls, string workspace)
{
    /// <summary>Where a started deployment's id waits for the step that completes it.</summary>
    public string DeploymentFile(string environment) => Path.Combine(workspace, ".sluice", "github", $"deployment-{environment}.json");

    public async Task<TrackedDeployment> StartAsync(DeploymentRun run, CancellationToken cancellationToken)
    {
        var tracked = await new GitHubDeploymentTracker(calls).StartAsync(run, cancellationToken);
        var file = DeploymentFile(run.Environment);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await File.WriteAllTextAsync(file, new JsonObject { ["id"] = tracked.Id, ["environment"] = run.Environment }.ToJsonString(), cancellationToken);
        return tracked;
    }

    /// <summary>Completes the deployment this job started; null when none was (its start was off or never reached).</summary>
    public async Task<TrackedDeployment?> CompleteAsync(DeploymentRun run, DeploymentOutcome outcome, CancellationToken cancellationToken)
    {
        var file = DeploymentFile(run.Environment);
        if (!File.Exists(file)) return null;
        var id = JsonNode.Parse(await File.ReadAllTextAsync(file, cancellationToken))!["id"]!.GetValue<long>();
        var tracked = new TrackedDeployment(id, run);
        await new GitHubDeploymentTracker(calls).CompleteAsync(tracked, outcome, cancellationToken);
        File.Delete(file); // a second completion of the same deployment would be a lie
        return tracked;
    }

    /// <summary>Every <c>KIND-*.md</c> report under <paramref name="reports"/> (<c>rehearsal-shop-staging.md</c>), as
    /// one comment per kind on <paramref name="pullRequest"/>, updated in place; the kinds published, in name order.</summary>
    public async Task<IReadOnlyList<(string Kind, PublishedReport Report)>> CommentReportsAsync(int pullRequest, string reports, CancellationToken cancellationToken)
    {
        var published = new List<(string, PublishedReport)>();
        if (!Directory.Exists(reports)) return published;
        var byKind = Directory.EnumerateFiles(reports, "*.md").Order(StringComparer.Ordinal)
            .GroupBy(f => Path.GetFileNameWithoutExtension(f).Split('-')[0], StringComparer.Ordinal);
        var publisher = new GitHubPullRequestReport(calls);
        foreach (var kind in byKind)
        {
            var parts = new List<string>();
            foreach (var file in kind) parts.Add((await File.ReadAllTextAsync(file, cancellationToken)).TrimEnd());
            published.Add((kind.Key, await publisher.PublishAsync(pullRequest, kind.Key, string.Join("\n\n---\n\n", parts) + "\n", cancellationToken)));
        }
        return published;
    }

    /// <summary>The state <c>--deployment-state</c> names; null for <c>started</c>.</summary>
    public static DeploymentOutcome? Outcome(string state) => state switch
    {
        "started" => null,
        "succeeded" => DeploymentOutcome.Succeeded,
        "failed" => DeploymentOutcome.Failed,
        _ => throw Errors.SluiceException.Usage(Errors.ErrorCodes.BadDeploymentState, $"parameter --deployment-state: '{state}' is not a deployment state",
            "pass started (at the start of the environment's job), succeeded or failed (at its end)"),
    };
}
