namespace Sluice.Migrations.Backfill;

/// <summary>
/// Picks the next batch size from the slow tail of recent batches, not their mean: what writers feel is the batch
/// that holds its row locks longest. The rules, in order (the first of 2–4 that applies decides; 5–7 then cap it):
/// <list type="number">
/// <item>No batch has run yet: the initial size.</item>
/// <item>The last batch took over 5× the target (an outlier: a checkpoint, autovacuum, a lock queue): shrink at once
/// in proportion, with no limit on the step.</item>
/// <item>Writers waited behind the last batch for more than half the target (feedback from the writers' side,
/// <see cref="BackfillBatchResult.LongestWriterWait"/>): halve at once.</item>
/// <item>Otherwise: the size at which the p90 time per row of the last ten batches takes the target, growing at most
/// 2× a step (one fast batch proves little) and shrinking as far as that p90 says.</item>
/// <item>A byte budget per batch is set and the row width known: at most the budget's worth of rows (time alone
/// includes waiting behind the write queue; bytes do not).</item>
/// <item>Writers have waited on a batch's row locks (any batch of this run, <see cref="BackfillBatchResult.LongestWriterWait"/>)
/// and the table's rows are known: at most the plan's <c>max_locked_share</c> of them (default
/// <see cref="DefaultMaxLockedShare"/>). A write to a row the running batch
/// holds waits until it commits, so the share of writes that wait is about the batch's share of the table; the p99 a
/// writer feels is its slowest 1 %, and a batch of 17,000 of 1M rows (1.7 %) put every one of those behind a batch.
/// Time does not show this (a batch can be quick and still cover the rows writers want), and a table writers only
/// append to never trips it.</item>
/// <item>Within the plan's minimum and maximum (the plan's bounds win over 2–6), and under a ceiling an SLO throttle set
/// (<see cref="CapAt"/>; the plan's minimum wins over that).</item>
/// </list>
/// </summary>
public sealed class BatchSizer(TimeSpan target, int initial, int min, int max, int? maxRowsByBytes = null, long? tableRows = null,
    double maxLockedShare = BatchSizer.DefaultMaxLockedShare)
{
    /// <summary>The largest share of the table one batch may cover once writers have waited on a batch's rows: a write
    /// to a random row then meets a running batch about once in 300, inside the 1 in 100 its p99 allows with room for
    /// the slow writes a backfill causes otherwise (CPU, its commits' WAL flushes).</summary>
    public const double DefaultMaxLockedShare = 0.003;

    private bool _writersWaited;
    private int? _ceiling;

    /// <summary>How many recent batches the percentile looks at.</summary>
    public const int Window = 10;

    /// <summary>A batch this many times the target is an outlier.</summary>
    public const double OutlierFactor = 5.0;

    private readonly Queue<double> _secondsPerRow = new();

    public int Current { get; private set; } = Bound(initial, min, max, maxRowsByBytes);

    /// <summary>Which rule decided <see cref="Current"/> last (the numbers of the table above), for progress and tests.</summary>
    public int LastRule { get; private set; } = 1;

    public int Next(int lastSize, TimeSpan lastDuration, TimeSpan? writerWait = null)
    {
        var rows = Math.Max(lastSize, 1);
        _secondsPerRow.Enqueue(Math.Max(lastDuration.TotalSeconds, 0) / rows);
        if (_secondsPerRow.Count > Window) _secondsPerRow.Dequeue();

        double next;
        if (lastDuration > target * OutlierFactor)
            (next, LastRule) = (rows * (target / lastDuration), 2);
        else if (writerWait is { } wait && wait > target / 2)
            (next, LastRule) = (rows / 2.0, 3);
        else
        {
            var p90 = Percentile90([.. _secondsPerRow]);
            var fits = p90 <= 0 ? double.MaxValue : target.TotalSeconds / p90;
            (next, LastRule) = (Math.Min(fits, rows * 2.0), 4);
        }
        _writersWaited |= writerWait is not null;
        if (maxRowsByBytes is { } byBytes && next > byBytes) (next, LastRule) = (byBytes, 5);
        if (_writersWaited && tableRows is { } table && next > table * maxLockedShare) (next, LastRule) = (table * maxLockedShare, 6);
        Current = Bound(Math.Min(next, _ceiling ?? int.MaxValue), min, max, maxRowsByBytes);
        if (Current != (int)Math.Round(Math.Min(next, int.MaxValue))) LastRule = 7;
        return Current;
    }

    /// <summary>Sets the size outright (a throttle from outside, such as the plan's SLO), within the bounds.</summary>
    public int ShrinkTo(int size)
    {
        Current = Bound(Math.Min(size, Current), min, max, maxRowsByBytes);
        return Current;
    }

    /// <summary>Caps the size for the rest of the phase (the writers' p99 throttle: without a ceiling rule 4 would grow
    /// it back within a few fast batches), within the bounds.</summary>
    public int CapAt(int size)
    {
        _ceiling = Math.Min(size, _ceiling ?? int.MaxValue);
        return ShrinkTo(size);
    }

    /// <summary>True when the size cannot shrink any further.</summary>
    public bool AtMinimum => Current <= min;

    private static int Bound(double size, int min, int max, int? maxRowsByBytes)
    {
        var upper = maxRowsByBytes is { } byBytes ? Math.Min(max, Math.Max(byBytes, min)) : max;
        return (int)Math.Clamp(Math.Round(Math.Min(size, int.MaxValue)), min, upper);
    }

    /// <summary>The nearest-rank 90th percentile.</summary>
    private static double Percentile90(double[] values)
    {
        Array.Sort(values);
        return values[Math.Max(0, (int)Math.Ceiling(0.9 * values.Length) - 1)];
    }
}
