using Sluice.Migrations.Journal;
using Sluice.Migrations.Plans;

namespace Sluice.Releases;

/// <summary>When a plan became partial: some of its phases applied (done, started or failed) but not all of them
/// done. Read by the partial-state gate and by ExpirePartialStates, which must agree on what "partial" means.</summary>
public static class PartialState
{
    /// <summary>The start of the plan's first applied phase while it is partial; null when it is not partial.</summary>
    public static DateTimeOffset? Since(MigrationPlan plan, IReadOnlyList<PhaseRecord> phases, DateTimeOffset now)
    {
        var applied = phases.Where(p => p.Status is JournalStatus.Done or JournalStatus.Started or JournalStatus.Failed).ToList();
        if (applied.Count == 0 || applied.Count == plan.Phases.Count && applied.All(p => p.Status == JournalStatus.Done)) return null;
        return applied.Min(p => p.StartedAt) ?? now;
    }
}
