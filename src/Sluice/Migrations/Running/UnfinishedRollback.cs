using Sluice.Migrations.Journal;

namespace Sluice.Migrations.Running;

/// <summary>
/// A Rollback the runner did not finish although nothing is left to revert: it journals
/// <see cref="JournalEventKind.RollbackStarted"/>, reverts the phases, journals the plan reverted, then compares the
/// schema and data with their baselines; a runner killed after its last down leaves every phase reverted and nothing
/// verified. The next Rollback finds such a plan here and finishes it, instead of saying there is nothing to roll back
/// and leaving the rollback unchecked for good.
/// </summary>
/// <param name="PlanReverted">Whether the plan was journaled reverted before the run stopped.</param>
internal sealed record UnfinishedRollback(bool PlanReverted)
{
    /// <returns>The plan's latest rollback when no verdict follows its start; null when it ended (or none ran).</returns>
    public static async Task<UnfinishedRollback?> FindAsync(IMigrationJournal journal, string planId, CancellationToken cancellationToken)
    {
        var since = await SinceLatestStartAsync(journal, planId, cancellationToken);
        if (since is null) return null;
        return since.Any(kind => kind is JournalEventKind.RollbackVerified or JournalEventKind.RollbackUnverified or JournalEventKind.RollbackDiffers)
            ? null
            : new UnfinishedRollback(since.Contains(JournalEventKind.PlanReverted));
    }

    /// <returns>Whether the plan's latest rollback ended verified (its baselines have served).</returns>
    public static async Task<bool> EndedVerifiedAsync(IMigrationJournal journal, string planId, CancellationToken cancellationToken) =>
        await SinceLatestStartAsync(journal, planId, cancellationToken) is { } since && since.Contains(JournalEventKind.RollbackVerified);

    /// <returns>The plan's events after its latest <see cref="JournalEventKind.RollbackStarted"/>; null when none ran.</returns>
    private static async Task<List<JournalEventKind>?> SinceLatestStartAsync(IMigrationJournal journal, string planId, CancellationToken cancellationToken)
    {
        var kinds = (await journal.ReadEventsAsync(planId, cancellationToken)).Select(e => e.Kind).ToList();
        var started = kinds.FindLastIndex(kind => kind == JournalEventKind.RollbackStarted);
        return started < 0 ? null : [.. kinds.Skip(started + 1)];
    }
}
