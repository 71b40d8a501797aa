using Octokit;
using Sluice.Gates;
using Sluice.Migrations.Plans;
using Review = Sluice.Gates.Review;

namespace Sluice.GitHub;

/// <summary>
/// Approvals from GitHub for the approvals gate: the pull request's reviews (of its head commit) and, when the run
/// is known, the environment deployment reviews of that Actions run. Only members of the plan's <c>owner</c> team
/// count, never the pull request's author (<see cref="OwnerReviewRules"/>). Needs <c>pull_requests: read</c>,
/// <c>actions: read</c> for environment reviews, and <c>members: read</c> (organization) for the team.
/// </summary>
/// <param name="plans">The plans being gated, for their owner team (a team slug in the repository owner's organization).</param>
public sealed class GitHubApprovalSource(GitHubCalls calls, int pullRequest, long? runId, IReadOnlyList<MigrationPlan> plans) : IApprovalSource
{
    private GitHubSettings Settings => calls.Settings;

    public async Task<IReadOnlyList<Approval>> ReadApprovalsAsync(string environment, string planId, string planHash, CancellationToken cancellationToken)
    {
        var plan = plans.FirstOrDefault(p => p.Id == planId);
        if (plan is null) return [];
        var pull = await calls.RunAsync($"read pull request #{pullRequest}", "pull_requests: read", () =>
            calls.Client.PullRequest.Get(Settings.Owner, Settings.Name, pullRequest));
        var reviews = (await calls.RunAsync($"read the reviews of pull request #{pullRequest}", "pull_requests: read", () =>
                calls.Client.PullRequest.Review.GetAll(Settings.Owner, Settings.Name, pullRequest)))
            .Select(r => new Review(r.User.Login, State(r.State.StringValue), r.SubmittedAt, r.CommitId)).ToList();
        if (runId is { } run)
        {
            var environmentReviews = await calls.RunAsync($"read the environment reviews of run {run}", "actions: read", () =>
                calls.Api.GetAll<EnvironmentApprovalResponse>(new Uri($"repos/{Settings.Owner}/{Settings.Name}/actions/runs/{run}/approvals", UriKind.Relative)));
            // Listed oldest first and without a time of their own: their order stands in for it.
            reviews.AddRange(environmentReviews.SelectMany((r, i) => r.Environments.Select(e =>
                new Review(r.User.Login, State(r.State), DateTimeOffset.UnixEpoch.AddSeconds(i), Environment: e.Name))));
        }
        var owners = await OwnersAsync(plan.Owner);
        return OwnerReviewRules.Approvers(reviews, environment, pull.Head.Sha, pull.User.Login, owners)
            .Select(login => new Approval(environment, planId, planHash, login, DateTimeOffset.UtcNow)).ToList();
    }

    private async Task<IReadOnlyCollection<string>> OwnersAsync(string team)
    {
        var slug = team.TrimStart('@').Split('/')[^1];
        var members = await calls.RunAsync($"read the members of team '{slug}'", "members: read", () =>
            calls.Api.GetAll<User>(new Uri($"orgs/{Settings.Owner}/teams/{slug}/members", UriKind.Relative)));
        return members.Select(m => m.Login).ToList();
    }

    private static ReviewState State(string state) => state.ToUpperInvariant() switch
    {
        "APPROVED" => ReviewState.Approved,
        "CHANGES_REQUESTED" => ReviewState.ChangesRequested,
        "REJECTED" => ReviewState.Rejected,
        "DISMISSED" => ReviewState.Dismissed,
        _ => ReviewState.Commented,
    };
}

/// <summary>One entry of <c>GET /repos/{owner}/{repo}/actions/runs/{run_id}/approvals</c> (Octokit has no type for it).</summary>
internal sealed class EnvironmentApprovalResponse
{
    public IReadOnlyList<EnvironmentName> Environments { get; set; } = [];
    public string State { get; set; } = "";
    public User User { get; set; } = null!;
    public string? Comment { get; set; }
}

internal sealed class EnvironmentName
{
    public long Id { get; set; }
    public string Name { get; set; } = "";
}
