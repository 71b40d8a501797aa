using Octokit;
using Sluice.Errors;
using Sluice.Gates;
using Sluice.Migrations.Plans;
using Review = Sluice.Gates.Review;

namespace Sluice.GitHub;

/// <summary>
/// Approvals from GitHub for the approvals gate: the pull request's reviews (of its head commit) and, when the run
/// is known, the environment deployment reviews of that Actions run. Only members of the plan's <c>owner</c> team
/// count, never the pull request's author (<see cref="OwnerReviewRules"/>); an owner's approval of a commit a later push
/// replaced is named as void. A pull-request review is given at its <c>submitted_at</c> (what it signed is
/// <see cref="ReviewedEvidence"/>'s to decide); an environment review approves the waiting run, so it is given now.
/// Needs <c>pull_requests: read</c>, <c>actions: read</c> for environment reviews, and <c>members: read</c>
/// (organization) for the team.
/// </summary>
/// <param name="pullRequest">The pull request whose reviews count; null to find the one <paramref name="commit"/> belongs to
/// (a release of the main branch after the merge).</param>
/// <param name="commit">The commit the run releases, when the pull request is not given.</param>
/// <param name="plans">The plans being gated, for their owner team (a team slug in the repository owner's organization).</param>
public sealed class GitHubApprovalSource(GitHubCalls calls, int? pullRequest, string? commit, long? runId, IReadOnlyList<MigrationPlan> plans) : IApprovalSource
{
    private int? _pullRequest = pullRequest;

    public GitHubApprovalSource(GitHubCalls calls, int pullRequest, long? runId, IReadOnlyList<MigrationPlan> plans)
        : this(calls, pullRequest, null, runId, plans)
    {
    }

    private GitHubSettings Settings => calls.Settings;

    public async Task<IReadOnlyList<Approval>> ReadApprovalsAsync(string environment, string planId, string planHash, CancellationToken cancellationToken)
    {
        if (await ReadAsync(planId) is not { } read) return [];
        return OwnerReviewRules.Approvers(read.Reviews, environment, read.Head, read.Author, read.Owners)
            .Select(login => new Approval(environment, planId, planHash, login, read.GivenAt(login))).ToList();
    }

    public async Task<IReadOnlyList<VoidedApproval>> ReadVoidedApprovalsAsync(string environment, string planId, CancellationToken cancellationToken)
    {
        if (await ReadAsync(planId) is not { } read) return [];
        return OwnerReviewRules.PushedOver(read.Reviews, read.Head, read.Author, read.Owners)
            .Select(p => new VoidedApproval(p.Reviewer, planId,
                $"a push after the review (it approved commit {Short(p.Commit)}; pull request #{read.Number} is now at {Short(read.Head)})"))
            .ToList();
    }

    public string HowToApprove(string environment) =>
        $"a member of the plan's owner team other than the author approves pull request {(_pullRequest is { } n ? $"#{n} " : "")}on GitHub"
        + " (a review of an earlier commit does not count after a push)";

    private async Task<PullRequestReviews?> ReadAsync(string planId)
    {
        var plan = plans.FirstOrDefault(p => p.Id == planId);
        if (plan is null) return null;
        var number = await PullRequestAsync();
        var pull = await calls.RunAsync($"read pull request #{number}", "pull_requests: read", () =>
            calls.Client.PullRequest.Get(Settings.Owner, Settings.Name, number));
        var reviews = (await calls.RunAsync($"read the reviews of pull request #{number}", "pull_requests: read", () =>
                calls.Client.PullRequest.Review.GetAll(Settings.Owner, Settings.Name, number)))
            .Select(r => new Review(r.User.Login, State(r.State.StringValue), r.SubmittedAt, r.CommitId)).ToList();
        if (runId is { } run)
        {
            var environmentReviews = await calls.RunAsync($"read the environment reviews of run {run}", "actions: read", () =>
                calls.Api.GetAll<EnvironmentApprovalResponse>(new Uri($"repos/{Settings.Owner}/{Settings.Name}/actions/runs/{run}/approvals", UriKind.Relative)));
            // Listed oldest first and without a time of their own: their order stands in for it.
            reviews.AddRange(environmentReviews.SelectMany((r, i) => r.Environments.Select(e =>
                new Review(r.User.Login, State(r.State), DateTimeOffset.UnixEpoch.AddSeconds(i), Environment: e.Name))));
        }
        return new PullRequestReviews(number, pull.Head.Sha, pull.User.Login, reviews, await OwnersAsync(plan.Owner));
    }

    /// <summary>The pull request given, else the one the released commit belongs to (SLU147 when none does).</summary>
    private async Task<int> PullRequestAsync()
    {
        if (_pullRequest is { } known) return known;
        var sha = commit ?? throw SluiceException.Usage(ErrorCodes.GitHubNotConfigured, "the approvals gate reads GitHub reviews, but this run names no pull request and no commit",
            "pass --pull-request N, or run in a GitHub Actions job (GITHUB_REF of a pull request, or GITHUB_SHA)");
        var pulls = await calls.RunAsync($"find the pull request of commit {Short(sha)}", "pull_requests: read", () =>
            calls.Api.GetAll<PullRequest>(new Uri($"repos/{Settings.Owner}/{Settings.Name}/commits/{sha}/pulls", UriKind.Relative)));
        // A commit on the main branch after a merge belongs to the merged pull request; a commit of an open one to that.
        var found = pulls.OrderByDescending(p => p.MergedAt.HasValue).ThenBy(p => p.Number).FirstOrDefault()
            ?? throw new SluiceException(ErrorKind.Failure, ErrorCodes.NoPullRequestForCommit, $"commit {Short(sha)} belongs to no pull request of {Settings.Repository}: nothing reviewed it",
                "release a commit that came through a reviewed pull request, or pass --pull-request N");
        _pullRequest = found.Number;
        return found.Number;
    }

    private async Task<IReadOnlyCollection<string>> OwnersAsync(string team)
    {
        var slug = team.TrimStart('@').Split('/')[^1];
        var members = await calls.RunAsync($"read the members of team '{slug}'", "members: read", () =>
            calls.Api.GetAll<User>(new Uri($"orgs/{Settings.Owner}/teams/{slug}/members", UriKind.Relative)));
        return members.Select(m => m.Login).ToList();
    }

    private static string Short(string sha) => sha[..Math.Min(7, sha.Length)];

    private static ReviewState State(string state) => state.ToUpperInvariant() switch
    {
        "APPROVED" => ReviewState.Approved,
        "CHANGES_REQUESTED" => ReviewState.ChangesRequested,
        "REJECTED" => ReviewState.Rejected,
        "DISMISSED" => ReviewState.Dismissed,
        _ => ReviewState.Commented,
    };

    /// <summary>A pull request's reviews as one read sees them.</summary>
    private sealed record PullRequestReviews(int Number, string Head, string Author, IReadOnlyList<Review> Reviews, IReadOnlyCollection<string> Owners)
    {
        /// <summary>When <paramref name="login"/>'s counted approval was given: its pull-request review's time, or now
        /// for an environment review of this run.</summary>
        public DateTimeOffset GivenAt(string login) => Reviews
            .Where(r => r.Environment is null && r.State == ReviewState.Approved && string.Equals(r.CommitId, Head, StringComparison.OrdinalIgnoreCase)
                && string.Equals(r.Reviewer, login, StringComparison.OrdinalIgnoreCase))
            .Select(r => (DateTimeOffset?)r.At).Max() ?? DateTimeOffset.UtcNow;
    }
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
