using Sluice.Migrations.Journal;
using Sluice.Migrations.Plans;

namespace Sluice.Migrations.Backfill;

/// <summary>Runs a backfill's batches against the database; each batch and its checkpoint commit together.</summary>
public interface IBackfillExecutor
{
    Task<BackfillCheckpoint?> ReadCheckpointAsync(string planId, string phase, CancellationToken cancellationToken);

    /// <summary>Rows with a key above <paramref name="afterKey"/> (all rows when null), for the ETA.</summary>
    Task<long> CountRemainingAsync(BackfillSpec spec, long? afterKey, CancellationToken cancellationToken);

    /// <summary>
    /// In one transaction: picks the next <paramref name="batchSize"/> keys after the checkpoint, runs the batch SQL over
    /// them under the phase's lock and statement timeouts, and advances the checkpoint. When no key is left, marks the
    /// checkpoint completed and the phase done. Throws <see cref="Running.LockTimeoutException"/> on a lock timeout.
    /// </summary>
    Task<BackfillBatchResult> RunBatchAsync(MigrationPlan plan, BackfillPhase phase, long? afterKey, int batchSize, RunnerIdentity by,
        CancellationToken cancellationToken);

    /// <summary>The table's average row size in bytes from its statistics, for a byte budget per batch; null when
    /// unknown (no statistics yet, or an executor that cannot tell).</summary>
    Task<double?> EstimateRowBytesAsync(BackfillSpec spec, CancellationToken cancellationToken) => Task.FromResult<double?>(null);
}

/// <summary>One committed batch: its key range, rows changed, and time; <see cref="Finished"/> when no key was left.</summary>
public sealed record BackfillBatchResult(long? LastKey, long RowsAffected, int Keys, TimeSpan Duration, bool Finished, BackfillCheckpoint Checkpoint)
{
    /// <summary>Sessions waiting on this batch's locks just before it committed: the writers it blocked.</summary>
    public int BlockedWriters { get; init; }

    /// <summary>How long the longest of <see cref="BlockedWriters"/> had waited by then (they wait until the commit);
    /// null when none waited or the executor cannot tell.</summary>
    public TimeSpan? LongestWriterWait { get; init; }
}
