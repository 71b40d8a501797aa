using Sluice.Migrations.Journal;

namespace Sluice.Migrations.Running;

/// <summary>
/// Whether a plan's rollback ran its downs but not its verification: the runner journals the plan reverted, then
/// compares the schema and data with their baselines, and a runner killed in between leaves every phase reverted and
/// nothing verified. The next Rollback finds such a plan here and verifies it then, instead of saying there is nothing
/// to roll back and leaving the rollback unchecked for good.
/// </summary>
internal static class RollbackVerification
{
    /// <returns>True when the plan's latest <see cref="JournalEventKind.PlanReverted"/> has no verdict after it.</returns>
    public static async Task<bool> OutstandingAsync(IMigrationJournal journal, string planId, CancellationToken cancellationToken)
    {
        var events = await journal.ReadEventsAsync(planId, cancellationToken);
        var reverted = events.Select(e => e.Kind).ToList().FindLastIndex(kind => kind == JournalEventKind.PlanReverted);
        return reverted >= 0 && !events.Skip(reverted + 1).Any(e => e.Kind is JournalEventKind.RollbackVerified or JournalEventKind.RollbackUnverified
            or JournalEventKind.RollbackDiffers);
    }
}
