namespace Sluice.Migrations.Plans;

/// <summary>
/// The <c>backfill:</c> block of a backfill phase. The runner walks <see cref="Table"/> in keyset batches over the
/// integer key <see cref="Key"/>; for each batch it runs <see cref="Batch"/> with <c>@lower</c> (exclusive) and
/// <c>@upper</c> (inclusive) bound to the batch's key range, and commits the checkpoint in the same transaction.
/// </summary>
/// <param name="Table">The table to walk, optionally schema-qualified, any real name (see <see cref="SqlName"/>).</param>
/// <param name="Key">Its integer primary key column (bigint-compatible).</param>
/// <param name="Batch">The SQL of one batch, using <c>@lower</c> and <c>@upper</c>.</param>
/// <param name="TargetBatchTime">The batch size adapts so a batch takes about this long (default 200 ms).</param>
/// <param name="InitialBatchSize">Rows in the first batch (default 1000).</param>
/// <param name="MinBatchSize">The size never drops below this (default 100).</param>
/// <param name="MaxBatchSize">The size never grows beyond this (default 50000).</param>
/// <param name="MaxReplicationLag">Batches wait while a replica's replay lag exceeds this (default 10 s).</param>
/// <param name="MaxLockWaiters">Batches wait while more sessions than this wait on locks (default 5).</param>
/// <param name="ThrottlePause">How long to wait before looking at lag and lock waits again (default 1 s).</param>
/// <param name="PauseBetweenBatches">A breather after every batch for the rest of the workload (default none).</param>
public sealed record BackfillSpec(
    string Table,
    string Key,
    PlanScript Batch,
    TimeSpan TargetBatchTime,
    int InitialBatchSize,
    int MinBatchSize,
    int MaxBatchSize,
    TimeSpan MaxReplicationLag,
    int MaxLockWaiters,
    TimeSpan ThrottlePause,
    TimeSpan PauseBetweenBatches)
{
    public static readonly TimeSpan DefaultTargetBatchTime = TimeSpan.FromMilliseconds(200);
    public const int DefaultInitialBatchSize = 1000;
    public const int DefaultMinBatchSize = 100;
    public const int DefaultMaxBatchSize = 50_000;
    public static readonly TimeSpan DefaultMaxReplicationLag = TimeSpan.FromSeconds(10);
    public const int DefaultMaxLockWaiters = 5;
    public static readonly TimeSpan DefaultThrottlePause = TimeSpan.FromSeconds(1);

    /// <summary>A byte budget per batch (<c>max_batch_bytes</c>): at most this many bytes of the table's rows, by its
    /// statistics' average row width; null for none.</summary>
    public long? MaxBatchBytes { get; init; }

    /// <summary>The largest share of the table one batch may cover once writers have waited on a batch's rows
    /// (<c>max_locked_share</c>, rule 6 of <see cref="Backfill.BatchSizer"/>); 1 turns the rule off.</summary>
    public double MaxLockedShare { get; init; } = Backfill.BatchSizer.DefaultMaxLockedShare;

    /// <summary>The real name of <see cref="Table"/> (the plan loader refused a table that is not one).</summary>
    public SqlName TableName => SqlName.Parse(Table, 2);

    /// <summary>The real name of <see cref="Key"/>.</summary>
    public SqlName KeyName => SqlName.Parse(Key, 1);
}
