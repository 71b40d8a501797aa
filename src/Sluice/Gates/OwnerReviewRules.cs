namespace Sluice.Gates;

/// <summary>What a reviewer said.</summary>
public enum ReviewState { Approved, ChangesRequested, Rejected, Dismissed, Commented }

/// <summary>A review from a code-review system: a pull-request review (with the commit it saw) or an environment
/// deployment review (with the environment it was for).</summary>
public sealed record Review(string Reviewer, ReviewState State, DateTimeOffset At, string? CommitId = null, string? Environment = null);

/// <summary>
/// Which reviewers count as approving a plan, the first matching row deciding for each review:
/// <list type="number">
/// <item>an environment review for another environment → ignored;</item>
/// <item>a pull-request review of a commit other than the head (when both are known) → ignored: it saw other SQL;</item>
/// <item>a review that is not the reviewer's latest one, comments aside → ignored (a later change request, rejection or dismissal withdraws an approval);</item>
/// <item>a review that is not an approval → ignored;</item>
/// <item>by the plan's author → ignored: an author never approves their own change;</item>
/// <item>by someone who is not an owner of the plan (not a member of its owner team) → ignored;</item>
/// <item>otherwise → the reviewer counts, once.</item>
/// </list>
/// </summary>
public static class OwnerReviewRules
{
    public static IReadOnlyList<string> Approvers(IEnumerable<Review> reviews, string environment, string? headCommit, string author,
        IReadOnlyCollection<string> owners)
    {
        var relevant = reviews
            .Where(r => r.Environment is null || string.Equals(r.Environment, environment, StringComparison.OrdinalIgnoreCase))
            .Where(r => r.CommitId is null || headCommit is null || string.Equals(r.CommitId, headCommit, StringComparison.OrdinalIgnoreCase))
            .Where(r => r.State != ReviewState.Commented);
        return relevant
            .GroupBy(r => r.Reviewer, StringComparer.OrdinalIgnoreCase)
            .Select(g => g.MaxBy(r => r.At)!)
            .Where(r => r.State == ReviewState.Approved)
            .Where(r => !string.Equals(r.Reviewer, author, StringComparison.OrdinalIgnoreCase))
            .Where(r => owners.Contains(r.Reviewer, StringComparer.OrdinalIgnoreCase))
            .Select(r => r.Reviewer)
            .Order(StringComparer.OrdinalIgnoreCase)
            .ToList();
    }

    /// <summary>
    /// Which owners' approvals a push voided, so the gate can name them; for each reviewer, the first matching row decides:
    /// <list type="number">
    /// <item>they count at the head (<see cref="Approvers"/>) → not void;</item>
    /// <item>their latest pull-request review, comments aside, is not an approval → not void: they withdrew it themselves;</item>
    /// <item>it approved the head commit, or a commit nobody knows → not void (its other rows decided);</item>
    /// <item>they are the author, or not an owner → not void: it never counted;</item>
    /// <item>otherwise → void: it approved a commit a later push replaced (the commit is named).</item>
    /// </list>
    /// </summary>
    public static IReadOnlyList<(string Reviewer, string Commit)> PushedOver(IEnumerable<Review> reviews, string headCommit, string author,
        IReadOnlyCollection<string> owners)
    {
        var list = reviews.ToList();
        var counting = Approvers(list.Where(r => r.Environment is null), "", headCommit, author, owners);
        return list
            .Where(r => r.Environment is null && r.State != ReviewState.Commented)
            .GroupBy(r => r.Reviewer, StringComparer.OrdinalIgnoreCase)
            .Select(g => g.MaxBy(r => r.At)!)
            .Where(r => !counting.Contains(r.Reviewer, StringComparer.OrdinalIgnoreCase))
            .Where(r => r.State == ReviewState.Approved)
            .Where(r => r.CommitId is not null && !string.Equals(r.CommitId, headCommit, StringComparison.OrdinalIgnoreCase))
            .Where(r => !string.Equals(r.Reviewer, author, StringComparison.OrdinalIgnoreCase) && owners.Contains(r.Reviewer, StringComparer.OrdinalIgnoreCase))
            .Select(r => (r.Reviewer, r.CommitId!))
            .OrderBy(p => p.Reviewer, StringComparer.OrdinalIgnoreCase)
            .ToList();
    }
}
