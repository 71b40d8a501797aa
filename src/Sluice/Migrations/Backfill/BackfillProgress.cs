namespace Sluice.Migrations.Backfill;

/// <summary>A backfill's progress after a batch: rows, rate and the estimated time to finish.</summary>
/// <param name="RowsDone">Rows done so far, over every run.</param>
/// <param name="RowsTotal">Rows done plus the rows left when this run started (an estimate; writers add more).</param>
/// <param name="RowsPerSecond">This run's rate.</param>
/// <param name="Eta">Time left at that rate, or null before the first batch.</param>
/// <param name="Throttled">Why the backfill is waiting, or null while it runs.</param>
/// <param name="LastBatchTime">How long the last batch's transaction took: the longest any of its row locks was held.</param>
public sealed record BackfillProgress(long RowsDone, long RowsTotal, long Batches, int BatchSize, long? LastKey, double RowsPerSecond, TimeSpan? Eta, string? Throttled,
    TimeSpan? LastBatchTime = null)
{
    public double Fraction => RowsTotal <= 0 ? 1.0 : Math.Min(1.0, (double)RowsDone / RowsTotal);

    public override string ToString()
    {
        var state = Throttled is null ? "" : $", throttled: {Throttled}";
        var eta = Eta is { } e ? $", ETA {e:hh\\:mm\\:ss}" : "";
        return $"{RowsDone}/{RowsTotal} rows ({Fraction:P0}), {Batches} batches, batch size {BatchSize}, {RowsPerSecond:F0} rows/s{eta}{state}";
    }

    /// <summary>Estimates the rate and ETA from this run's counts.</summary>
    public static BackfillProgress Estimate(long rowsDone, long rowsAtStart, long rowsLeftAtStart, long batches, int batchSize, long? lastKey, TimeSpan elapsed, string? throttled)
    {
        var doneThisRun = rowsDone - rowsAtStart;
        var rate = elapsed > TimeSpan.Zero ? doneThisRun / elapsed.TotalSeconds : 0;
        var total = rowsAtStart + rowsLeftAtStart;
        var left = Math.Max(0, total - rowsDone);
        TimeSpan? eta = rate > 0 ? TimeSpan.FromSeconds(left / rate) : null;
        return new BackfillProgress(rowsDone, Math.Max(total, rowsDone), batches, batchSize, lastKey, rate, eta, throttled);
    }
}
