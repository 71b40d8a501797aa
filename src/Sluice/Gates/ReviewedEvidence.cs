using System.Globalization;

namespace Sluice.Gates;

/// <summary>
/// What a code review signs (the signed-evidence rule of <see cref="SignedEvidence"/> for approvals given on a pull
/// request rather than by <c>./build.sh Approve</c>). The reviewed commit holds the plan's files and the environment's
/// calendar, so the source already drops a review once a push replaces its commit (<see cref="OwnerReviewRules"/>); the
/// rehearsal and the verified snapshot belong to the environment, so a review signs those that existed when it was given:
/// <list type="number">
/// <item>plan hash, change window → as they are now (they are files of the reviewed commit);</item>
/// <item>the latest rehearsal of the plan's hash ran at or before the review → signed (the report the reviewer could read);</item>
/// <item>it ran after the review → the review signed an earlier one, or none: void until reviewed again;</item>
/// <item>the latest verified snapshot was verified at or before the review → signed;</item>
/// <item>it was verified after the review → void until reviewed again.</item>
/// </list>
/// An approval that already carries signed evidence (from Approve) is left as it is.
/// </summary>
public sealed class ReviewedEvidence(IApprovalSource reviews, GateSources sources, ChangeCalendar calendar) : IApprovalSource
{
    public async Task<IReadOnlyList<Approval>> ReadApprovalsAsync(string environment, string planId, string planHash, CancellationToken cancellationToken)
    {
        var read = await reviews.ReadApprovalsAsync(environment, planId, planHash, cancellationToken);
        if (read.All(a => a.Signed is not null)) return read;
        var now = await SignedEvidence.CurrentAsync(sources, calendar, environment, planHash, cancellationToken);
        var rehearsed = await sources.Rehearsals.LatestRehearsalAsync(environment, planHash, cancellationToken);
        var verified = await sources.Snapshots.LatestVerifiedAsync(environment, cancellationToken);
        return read.Select(a => a.Signed is not null ? a : a with { Signed = Sign(now, a.At, rehearsed, verified) }).ToList();
    }

    /// <summary>The evidence a review given at <paramref name="reviewedAt"/> signed, as the rows above say.</summary>
    public static SignedEvidence Sign(SignedEvidence now, DateTimeOffset reviewedAt, DateTimeOffset? rehearsedAt, DateTimeOffset? verifiedAt)
    {
        var before = $"one before the review at {reviewedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)}, or none";
        return now with
        {
            Rehearsal = rehearsedAt > reviewedAt ? before : now.Rehearsal,
            Snapshot = verifiedAt > reviewedAt ? before : now.Snapshot,
        };
    }

    public Task<IReadOnlyList<Approval>> ReadSignedApprovalsAsync(string environment, string planId, CancellationToken cancellationToken) =>
        reviews.ReadSignedApprovalsAsync(environment, planId, cancellationToken);

    public Task<IReadOnlyList<VoidedApproval>> ReadVoidedApprovalsAsync(string environment, string planId, CancellationToken cancellationToken) =>
        reviews.ReadVoidedApprovalsAsync(environment, planId, cancellationToken);

    public string HowToApprove(string environment) => reviews.HowToApprove(environment);
}
