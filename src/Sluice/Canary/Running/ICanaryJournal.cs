namespace Sluice.Canary.Running;

/// <summary>Every canary, each measurement with its judgements and decision, and how it ended (journal step 9).</summary>
public interface ICanaryJournal
{
    /// <summary>Creates the tables when missing; safe to call from concurrent runners.</summary>
    Task EnsureAsync(CancellationToken cancellationToken);

    /// <returns>The canary's id.</returns>
    Task<long> StartAsync(CanaryContext context, Definition.CanaryStrategy strategy, DateTimeOffset at, CancellationToken cancellationToken);

    Task RecordMeasurementAsync(long canary, CanaryMeasurement measurement, CancellationToken cancellationToken);

    Task FinishAsync(long canary, CanaryOutcome outcome, string reason, DateTimeOffset at, TimeSpan? backOnBaselineAfter, CancellationToken cancellationToken);

    /// <summary>Records how the rollback after a failed canary went (its outcome becomes RolledBack or RollbackFailed).</summary>
    Task RecordRollbackAsync(long canary, bool succeeded, string detail, CancellationToken cancellationToken);

    /// <summary>The last <paramref name="last"/> canaries, oldest first, with their measurements.</summary>
    Task<IReadOnlyList<CanaryRecord>> ReadAsync(int last, CancellationToken cancellationToken);

    /// <summary>The environment's latest canary still under way (journaled <see cref="CanaryOutcome.Running"/>), with its
    /// measurements: where a canary run in stages, by separate processes, continues from.</summary>
    Task<CanaryRecord?> FindUnderWayAsync(string environment, CancellationToken cancellationToken);

    /// <summary>The environment's latest canary run in plan <paramref name="planId"/> (any outcome), with its
    /// measurements: what a Promote continuing after the plan's pause finds.</summary>
    Task<CanaryRecord?> FindLatestOfPlanAsync(string environment, string planId, CancellationToken cancellationToken);
}
