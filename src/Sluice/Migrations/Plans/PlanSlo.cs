namespace Sluice.Migrations.Plans;

/// <summary>
/// The <c>slo:</c> block of a plan: what the service's writers may feel while it runs. The real run enforces all three
/// on the live database (a batch's lock hold and the longest wait of a writer blocked behind it, batch by batch; the
/// writers' p99, window by window from <c>pg_stat_statements</c> where the server loads it, and says so when it
/// cannot), throttling first and stopping the phase, which Promote then rolls back, when it cannot stay within them
/// (<see cref="Backfill.BackfillSloGuard"/>). Rehearsal checks all three at production size before that
/// (<see cref="Rehearsal.Slo.RehearsalSloJudge"/>): each phase's writer-blocking locks and the workload's waits, the
/// backfill's batch carried to the size production's sizer would run (<see cref="Rehearsal.Slo.ProductionBatch"/>), and
/// the writers' p99 timed beside the backfill against a baseline just before it. A breach fails the rehearsal (SLU253–SLU255).
/// </summary>
/// <param name="LongestLockHold">The longest a backfill batch may hold its row locks (its transaction's time).</param>
/// <param name="WriterP99Increase">How many times the writers' p99 latency may grow over their baseline (e.g. 2 for
/// "2x"); on the real run against a baseline taken just before the backfill (<see cref="Backfill.WriterLatencyWatch"/>,
/// <see cref="Backfill.WriterP99Estimate"/>); measured by rehearsal's write workload and the backfill benchmark, which
/// see the writers' latency.</param>
/// <param name="LongestWriteBlock">The longest any write may wait behind the migration's locks (its downtime budget).</param>
/// <param name="Line">Where the block starts in plan.yaml, for messages.</param>
public sealed record PlanSlo(TimeSpan? LongestLockHold, double? WriterP99Increase, TimeSpan? LongestWriteBlock, int Line)
{
    /// <summary>The keys of the block, in the order the docs list them.</summary>
    public static IReadOnlyList<string> Keys { get; } = ["longest_lock_hold", "writer_p99_increase", "longest_write_block"];
}
