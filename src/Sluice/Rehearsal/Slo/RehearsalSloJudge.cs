using System.Globalization;
using Sluice.Rehearsal.Runs;

namespace Sluice.Rehearsal.Slo;

/// <summary>What a phase showed of writers blocked behind it.</summary>
/// <param name="Lock">The lock that blocks writes held longest at production size (a script's statement on a table
/// that existed before the phase, held to the commit in a transaction; a backfill's batch's row locks), or null: none.</param>
/// <param name="MeasuredHold">Its hold here.</param>
/// <param name="PredictedHold">Its hold at production size.</param>
/// <param name="MeasuredWait">The rehearsal workload's longest wait on a lock during the phase (sampled).</param>
/// <param name="PredictedWait">That wait carried to production size as the rehearsal scales durations; zero for a
/// backfill, whose workload waited behind the rehearsal's batches, not production's (the batch's hold stands for it).</param>
/// <param name="Backfill">The phase is a backfill (the remedy differs).</param>
public sealed record WriteBlockEvidence(string? Lock, TimeSpan MeasuredHold, TimeSpan PredictedHold, TimeSpan MeasuredWait, TimeSpan PredictedWait, bool Backfill);

/// <summary>Writers' latencies, measured client-side on the rehearsal's database.</summary>
/// <param name="Loopback">The database is on this machine (the writers beside a backfill run only there).</param>
/// <param name="Baseline">The same writes just before the phase.</param>
/// <param name="Beside">The writes beside the backfill.</param>
public sealed record WriterLatencies(bool Loopback, IReadOnlyList<TimeSpan> Baseline, IReadOnlyList<TimeSpan> Beside);

/// <summary>The verdict on one bound: the row that decided, the severity of its finding, the figures, what was seen, what to do.</summary>
/// <param name="Measured">Here, in the bound's unit (ms or x).</param>
/// <param name="Predicted">At production size, in the bound's unit.</param>
public sealed record SloJudgement(string Row, FindingSeverity Severity, SloOutcome Outcome, double? Measured, double? Predicted, string Evidence, string? Remedy);

/// <summary>
/// Judges a rehearsed phase against its plan's <c>slo:</c> at production size: what the real run would meet, before
/// it runs. First matching row of a bound wins; each is tested by <c>tests/Sluice.Tests/Rehearsal/RehearsalSloJudgeTests.cs</c>:
/// <code>
/// #   bound                 the phase                                                            verdict
/// W1  longest_write_block   took no lock that blocks writes on a table that existed, ran no      within (info)
///                           batch, and the workload never waited
/// W2  longest_write_block   the longer of its writer-blocking lock's hold and the workload's      exceeded (error)
///                           wait, at production size, is above the bound
/// W3  longest_write_block   otherwise                                                            within (info)
/// H1  longest_lock_hold     a backfill that ran no batch with a key (an empty table)             not measured (info)
/// H2  longest_lock_hold     production's batch (<see cref="ProductionBatch"/>) holds its locks    exceeded (error)
///                           longer than the bound
/// H3  longest_lock_hold     otherwise                                                            within (info)
/// P1  writer_p99_increase   a backfill on a database not on this machine (the writers beside     not measured (warning)
///                           it are loopback only: across a network the latency is the network's)
/// P2  writer_p99_increase   fewer than <see cref="MinimumWrites"/> writes in the baseline or      not measured (warning)
///                           beside the backfill
/// P3  writer_p99_increase   p99 beside / max(baseline p99, <see cref="LatencyFloor"/>) above      exceeded (error)
///                           the bound
/// P4  writer_p99_increase   otherwise                                                            within (info)
/// </code>
/// The p99 factor is measured, not scaled: the rehearsal runs the plan's largest batches on a smaller table, so more
/// of its writes meet a running batch than production's would, which can only overstate it. A loopback write takes
/// well under a millisecond, and scheduling alone moves such latencies by multiples; production's writers add at
/// least a network round trip, so the baseline is taken as at least <see cref="LatencyFloor"/>.
/// </summary>
public static class RehearsalSloJudge
{
    /// <summary>Fewer writes than this make no p99 worth a verdict (with 20, it is the slowest write).</summary>
    public const int MinimumWrites = 20;

    /// <summary>The least baseline p99 a factor is taken against.</summary>
    public static readonly TimeSpan LatencyFloor = TimeSpan.FromMilliseconds(1);

    public static SloJudgement LongestWriteBlock(WriteBlockEvidence seen, TimeSpan bound)
    {
        var measured = Max(seen.MeasuredHold, seen.MeasuredWait);
        var predicted = Max(seen.PredictedHold, seen.PredictedWait);
        if (seen.Lock is null && seen.MeasuredWait <= TimeSpan.Zero)
            return new("W1", FindingSeverity.Info, SloOutcome.Within, 0, 0, "nothing in it blocks writers: no lock that blocks writes on a table that existed, and the workload never waited", null);
        var what = string.Join("; ", new[]
        {
            seen.Lock is null ? null : Text($"{seen.Lock} held {Ms(seen.MeasuredHold)} here, {Ms(seen.PredictedHold)} at production size"),
            seen.MeasuredWait <= TimeSpan.Zero ? null
            : seen.Backfill ? Text($"writers waited up to {Ms(seen.MeasuredWait)} behind the rehearsal's own batches")
            : Text($"the workload waited {Ms(seen.MeasuredWait)} on a lock here, {Ms(seen.PredictedWait)} at production size"),
        }.Where(part => part is not null));
        if (predicted > bound)
            return new("W2", FindingSeverity.Error, SloOutcome.Exceeded, measured.TotalMilliseconds, predicted.TotalMilliseconds,
                Text($"writers would wait up to {Ms(predicted)} at production size, above the slo's longest_write_block of {Ms(bound)}: {what}"),
                seen.Backfill
                    ? "make each batch cheaper so its row locks are held shorter (an index for its WHERE, a trigger that fires only on the columns it maps), lower min_batch_size, or raise longest_write_block"
                    : "take the strong lock only for a catalog change: move data work into a backfill, build indexes CONCURRENTLY, add constraints NOT VALID and validate them apart; or raise longest_write_block");
        return new("W3", FindingSeverity.Info, SloOutcome.Within, measured.TotalMilliseconds, predicted.TotalMilliseconds,
            Text($"writers would wait up to {Ms(predicted)} at production size, within the slo's longest_write_block of {Ms(bound)}: {what}"), null);
    }

    public static SloJudgement LongestLockHold(ProductionBatchHold? batch, TimeSpan bound)
    {
        if (batch is null)
            return new("H1", FindingSeverity.Info, SloOutcome.NotMeasured, null, null, "the backfill ran no batch with a key here (the table was empty): nothing to carry to production size", null);
        if (batch.Hold > bound)
            return new("H2", FindingSeverity.Error, SloOutcome.Exceeded, batch.MeasuredLongest.TotalMilliseconds, batch.Hold.TotalMilliseconds,
                Text($"production's batch of {batch.Rows} rows would hold its locks for {Ms(batch.Hold)}, above the slo's longest_lock_hold of {Ms(bound)}; the real run would throttle it and then stop the phase (SLU251) ({batch.Basis})"),
                "make each batch cheaper: its fixed cost (the work that does not depend on its rows: a scan outside the key range, a slow trigger, a sleep) must fit the bound; lower min_batch_size; or relax longest_lock_hold");
        return new("H3", FindingSeverity.Info, SloOutcome.Within, batch.MeasuredLongest.TotalMilliseconds, batch.Hold.TotalMilliseconds,
            Text($"production's batch of {batch.Rows} rows would hold its locks for {Ms(batch.Hold)}, within the slo's longest_lock_hold of {Ms(bound)} ({batch.Basis})"), null);
    }

    public static SloJudgement WriterP99Increase(WriterLatencies writes, double bound)
    {
        if (!writes.Loopback)
            return new("P1", FindingSeverity.Warning, SloOutcome.NotMeasured, null, null,
                "not measured: the database is not on this machine, and the writers beside the backfill are loopback only",
                "rehearse on a server on this machine (the rehearsal's own cluster) to measure the writers' p99");
        if (writes.Baseline.Count < MinimumWrites || writes.Beside.Count < MinimumWrites)
            return new("P2", FindingSeverity.Warning, SloOutcome.NotMeasured, null, null,
                Text($"not measured: {writes.Baseline.Count} writes in the baseline and {writes.Beside.Count} beside the backfill, fewer than {MinimumWrites}"),
                "rehearse with more synthetic rows so the backfill runs long enough for the writers beside it");
        var baseline = P99(writes.Baseline);
        var beside = P99(writes.Beside);
        var against = Max(baseline, LatencyFloor);
        var factor = beside / against;
        var figures = Text($"writers' p99 {Ms2(beside)} beside the backfill against {Ms2(baseline)} just before it{(baseline < LatencyFloor ? $" (taken as {Ms2(LatencyFloor)})" : "")}, {writes.Beside.Count} and {writes.Baseline.Count} writes: {factor:0.##}x");
        if (factor > bound)
            return new("P3", FindingSeverity.Error, SloOutcome.Exceeded, factor, factor, Text($"{figures}, above the slo's writer_p99_increase of {bound:0.##}x"),
                "let fewer writes meet a running batch: lower max_batch_size or max_locked_share, add pause_between_batches, make each batch shorter; or relax writer_p99_increase");
        return new("P4", FindingSeverity.Info, SloOutcome.Within, factor, factor, Text($"{figures}, within the slo's writer_p99_increase of {bound:0.##}x"), null);
    }

    /// <summary>The nearest-rank 99th percentile.</summary>
    private static TimeSpan P99(IReadOnlyList<TimeSpan> latencies)
    {
        var sorted = latencies.Order().ToList();
        return sorted[Math.Max(0, (int)Math.Ceiling(0.99 * sorted.Count) - 1)];
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static string Ms(TimeSpan t) => Text($"{t.TotalMilliseconds:F0} ms");

    private static string Ms2(TimeSpan t) => Text($"{t.TotalMilliseconds:0.##} ms");

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
