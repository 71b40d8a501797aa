using System.Globalization;

namespace Sluice.Rehearsal.Slo;

/// <summary>One batch the rehearsal's backfill ran: the keys it covered and its transaction's time.</summary>
public sealed record MeasuredBatch(int Rows, TimeSpan Duration);

/// <summary>The backfill's batch as production would run it.</summary>
/// <param name="Rows">The size production's sizer settles on.</param>
/// <param name="Hold">Its transaction's time, which is how long it holds its row locks.</param>
/// <param name="MeasuredLongest">The longest batch the rehearsal ran.</param>
/// <param name="Basis">How it was carried there (the rows of <see cref="ProductionBatch"/>'s table), for the finding.</param>
public sealed record ProductionBatchHold(int Rows, TimeSpan Hold, TimeSpan MeasuredLongest, string Basis);

/// <summary>
/// Carries the rehearsal's backfill batches to the batch production would run. A batch's time depends on its rows,
/// not on the table's (a keyset batch reads its range from the key's index), except that every index it reads and
/// writes is deeper on a larger table; and production does not run the plan's largest batch, as the rehearsal does,
/// but the size its <see cref="Migrations.Backfill.BatchSizer"/> settles on near <c>target_batch_time</c>. So:
/// <code>
/// #   step                        how
/// B1  fixed cost and cost per row  F = the probe's time (the rehearsal's first batch, at min_batch_size rows); c = (the
///                                  longest other batch's time - F) / (its rows - the probe's rows), at least 0. With one
///                                  size only (a table no larger than the probe), F = that batch's time and c = its time
///                                  per row: both at once can only overstate
/// B2  index growth                 g = ln(profiled rows) / ln(rows here) when the profile holds more rows (a B-tree's
///                                  depth, and with it each row's index work, grows with the log of the rows), else 1
/// B3  production's batch size      s where g x (F + c x s) = target_batch_time (the sizer's fixed point), within
///                                  [min_batch_size, min(max_batch_size, profiled rows)]
/// B4  its hold                     g x (F + c x s)
/// </code>
/// Production's first batch runs at <c>initial_batch_size</c> before the sizer has seen one; a breach there is
/// throttled, not stopped, by <see cref="Migrations.Backfill.BackfillSloGuard"/>, so it is not what the bound is held to.
/// </summary>
public static class ProductionBatch
{
    /// <param name="batches">The rehearsal's batches in order, the first the probe; batches without keys left out.</param>
    /// <param name="rowsHere">The table's rows in the rehearsal.</param>
    /// <param name="rowsProfiled">Its rows in the profile (production); null when the data is production's (a snapshot copy).</param>
    public static ProductionBatchHold? Predict(IReadOnlyList<MeasuredBatch> batches, long rowsHere, long? rowsProfiled,
        TimeSpan targetBatchTime, int minBatchSize, int maxBatchSize)
    {
        if (batches.Count == 0) return null;
        var probe = batches[0];
        var longest = batches.Skip(1).Where(b => b.Rows > probe.Rows).MaxBy(b => b.Duration);
        // B1
        var fixedSeconds = probe.Duration.TotalSeconds;
        double perRowSeconds;
        string b1;
        if (longest is null)
        {
            perRowSeconds = probe.Duration.TotalSeconds / Math.Max(1, probe.Rows);
            b1 = Text($"B1: one batch size only ({probe.Rows} rows in {Ms(probe.Duration)}): fixed {Ms(probe.Duration)} and {perRowSeconds * 1e6:0.#} µs a row");
        }
        else
        {
            perRowSeconds = Math.Max(0, (longest.Duration - probe.Duration).TotalSeconds / (longest.Rows - probe.Rows));
            b1 = Text($"B1: probe {probe.Rows} rows in {Ms(probe.Duration)}, longest {longest.Rows} rows in {Ms(longest.Duration)}: fixed {Ms(probe.Duration)} and {perRowSeconds * 1e6:0.#} µs a row");
        }
        // B2
        var production = rowsProfiled ?? rowsHere;
        var growth = rowsProfiled is { } p && p > rowsHere && rowsHere >= 2 ? Math.Log(p) / Math.Log(rowsHere) : 1.0;
        var b2 = Text($"B2: indexes {growth:0.###}x deeper ({rowsHere} rows here, {production} in production)");
        // B3
        var upper = (int)Math.Max(minBatchSize, Math.Min(maxBatchSize, Math.Max(1, production)));
        var perBatch = targetBatchTime.TotalSeconds / growth - fixedSeconds;
        double fits = perRowSeconds <= 0 ? (perBatch >= 0 ? upper : minBatchSize) : perBatch / perRowSeconds;
        var rows = (int)Math.Clamp(Math.Round(fits), minBatchSize, upper);
        var hold = TimeSpan.FromSeconds(growth * (fixedSeconds + perRowSeconds * rows));
        var b3 = Text($"B3: {rows} rows a batch (target_batch_time {Ms(targetBatchTime)}, within {minBatchSize}-{upper})");
        var b4 = Text($"B4: {Ms(hold)} a batch");
        return new ProductionBatchHold(rows, hold, batches.Max(b => b.Duration), string.Join("; ", b1, b2, b3, b4));
    }

    private static string Ms(TimeSpan t) => Text($"{t.TotalMilliseconds:F0} ms");

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
