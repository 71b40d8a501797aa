using Sluice.Migrations.Plans;

namespace Sluice.Gates;

/// <summary>
/// What an approval signs: the plan at one hash, the rehearsal that proved it, the verified snapshot that is its way
/// back, and the change window it may run in. A change to any of them voids the approval; <see cref="Voids"/> says
/// which, one line per item. Null items ("none") are signed as such: evidence appearing later voids the approval too,
/// because the approver did not see it.
/// </summary>
/// <param name="PlanHash">The plan's hash (every file it names).</param>
/// <param name="Rehearsal">The latest passing rehearsal of that hash on the environment (its time), or null.</param>
/// <param name="Snapshot">The id of the environment's latest verified intact snapshot, or null.</param>
/// <param name="ChangeWindow">The environment's calendar, described (<see cref="ChangeCalendar.Signature"/>).</param>
public sealed record SignedEvidence(string PlanHash, string? Rehearsal, string? Snapshot, string ChangeWindow)
{
    /// <summary>The evidence as it stands now for <paramref name="plan"/> on <paramref name="environment"/>.</summary>
    public static Task<SignedEvidence> CurrentAsync(GateSources sources, ChangeCalendar calendar, string environment, MigrationPlan plan,
        CancellationToken cancellationToken) => CurrentAsync(sources, calendar, environment, plan.Hash, cancellationToken);

    /// <summary>The evidence as it stands now for the plan at <paramref name="planHash"/> on <paramref name="environment"/>.</summary>
    public static async Task<SignedEvidence> CurrentAsync(GateSources sources, ChangeCalendar calendar, string environment, string planHash,
        CancellationToken cancellationToken)
    {
        var rehearsed = await sources.Rehearsals.LatestRehearsalAsync(environment, planHash, cancellationToken);
        var snapshot = await sources.Snapshots.LatestVerifiedIdAsync(environment, cancellationToken);
        return new SignedEvidence(planHash, rehearsed?.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture),
            snapshot, calendar.Signature());
    }

    /// <summary>What changed between this signed evidence and <paramref name="now"/>; empty when the approval holds.</summary>
    public IReadOnlyList<string> Voids(SignedEvidence now)
    {
        var voids = new List<string>();
        void Compare(string what, string? signed, string? current)
        {
            if (!string.Equals(signed, current, StringComparison.Ordinal))
                voids.Add($"the {what} changed (signed {Show(signed)}, now {Show(current)})");
        }
        Compare("plan hash", Short(PlanHash), Short(now.PlanHash));
        Compare("rehearsal report", Rehearsal, now.Rehearsal);
        Compare("verified snapshot", Snapshot, now.Snapshot);
        Compare("change window", ChangeWindow, now.ChangeWindow);
        return voids;
    }

    private static string Show(string? value) => value ?? "none";

    private static string Short(string hash) => hash[..Math.Min(12, hash.Length)];
}
