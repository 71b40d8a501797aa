using Sluice.Migrations.Backfill;
using Sluice.Migrations.Plans;

namespace Sluice.Tests;

/// <summary><see cref="BackfillSloGuard"/>'s table, row by row.</summary>
public sealed class BackfillSloGuardTests
{
    private static readonly PlanSlo Slo = new(TimeSpan.FromMilliseconds(250), 2.0, TimeSpan.FromMilliseconds(500), 10);

    private static BackfillBatchResult Batch(int ms, int? writerWaitMs = null) =>
        new(1000, 1000, 1000, TimeSpan.FromMilliseconds(ms), false, new BackfillCheckpoint("p", "b", 1000, 1000, 1, false, DateTimeOffset.UnixEpoch))
        {
            BlockedWriters = writerWaitMs is null ? 0 : 1,
            LongestWriterWait = writerWaitMs is { } w ? TimeSpan.FromMilliseconds(w) : null,
        };

    [Fact]
    public void Rule1_a_plan_without_bounds_is_always_within()
    {
        Assert.Equal(SloAction.Within, new BackfillSloGuard(null).Judge(Batch(10_000, 10_000), 1000, atMinimum: true).Action);
        Assert.Equal(SloAction.Within, new BackfillSloGuard(new PlanSlo(null, 2.0, null, 1)).Judge(Batch(10_000), 1000, true).Action);
    }

    [Fact]
    public void Rule2_a_batch_within_both_bounds_is_within_and_resets_the_count()
    {
        var guard = new BackfillSloGuard(Slo);
        Assert.Equal(SloAction.Throttle, guard.Judge(Batch(300), 1000, false).Action);
        Assert.Equal(SloAction.Throttle, guard.Judge(Batch(300), 1000, false).Action);
        Assert.Equal(SloAction.Within, guard.Judge(Batch(200, 400), 1000, false).Action);
        Assert.Equal(SloAction.Throttle, guard.Judge(Batch(300), 1000, false).Action); // the count started again
    }

    [Fact]
    public void Rule3_a_breach_throttles_to_the_size_that_fits_with_a_fifth_to_spare()
    {
        var held = new BackfillSloGuard(Slo).Judge(Batch(500), 1000, false);
        Assert.Equal((SloAction.Throttle, 400), (held.Action, held.ShrinkTo));   // 1000 x 250/500 x 0.8
        Assert.Contains("held its locks for 500 ms, above the slo's 250 ms", held.Evidence);

        var blocked = new BackfillSloGuard(Slo).Judge(Batch(100, writerWaitMs: 1000), 1000, false);
        Assert.Equal((SloAction.Throttle, 400), (blocked.Action, blocked.ShrinkTo));
        Assert.Contains("made a writer wait 1000 ms, above the slo's 500 ms", blocked.Evidence);
    }

    [Fact]
    public void Rule4_a_breach_at_the_smallest_size_or_the_third_in_a_row_stops()
    {
        var atMinimum = new BackfillSloGuard(Slo).Judge(Batch(300), 100, atMinimum: true);
        Assert.Equal(SloAction.Stop, atMinimum.Action);
        Assert.Contains("even at the smallest batch size", atMinimum.Evidence);
        Assert.False(string.IsNullOrWhiteSpace(atMinimum.Remedy));

        var guard = new BackfillSloGuard(Slo);
        guard.Judge(Batch(300), 1000, false);
        guard.Judge(Batch(300), 800, false);
        var third = guard.Judge(Batch(300), 640, false);
        Assert.Equal(SloAction.Stop, third.Action);
        Assert.Contains("3 batches in a row despite throttling", third.Evidence);
    }

    private static readonly WriterLatency Before = new(500, 0.5, 0.25, TimeSpan.FromSeconds(5));

    /// <summary>A judged window whose p99 was estimated at <paramref name="p99"/> against a baseline's <paramref name="baselineP99"/>.</summary>
    private static WriterLatencyWindow Writers(double baselineP99, double p99) =>
        new(Before, baselineP99, new WriterLatency(300, p99 / 3, p99 / 2, TimeSpan.FromSeconds(1)), p99, 3);

    private static readonly TimeSpan Batch300 = TimeSpan.FromMilliseconds(300);

    [Fact]
    public void Rule5_a_plan_without_writer_p99_increase_is_within_whatever_the_writers_felt()
    {
        Assert.Equal(SloAction.Within, new BackfillSloGuard(null).JudgeWriters(Writers(1, 500), "customers", 1000, true, Batch300, TimeSpan.Zero).Action);
        Assert.Equal(SloAction.Within, new BackfillSloGuard(new PlanSlo(TimeSpan.FromSeconds(1), null, null, 1)).JudgeWriters(Writers(1, 500), "customers", 1000, true, Batch300, TimeSpan.Zero).Action);
    }

    [Fact]
    public void Rule6_a_window_within_the_factor_or_a_negligible_rise_is_within_and_resets_the_writers_count()
    {
        var guard = new BackfillSloGuard(Slo);   // writer_p99_increase 2x
        Assert.Equal(SloAction.Within, guard.JudgeWriters(Writers(2.0, 3.9), "customers", 1000, false, Batch300, TimeSpan.Zero).Action);
        // 9x, but 0.8 ms more on the server is not a rise a writer feels over the network.
        Assert.Equal(SloAction.Within, guard.JudgeWriters(Writers(0.1, 0.9), "customers", 1000, false, Batch300, TimeSpan.Zero).Action);
        Assert.Equal(SloAction.Throttle, guard.JudgeWriters(Writers(0.1, 1.2), "customers", 1000, false, Batch300, TimeSpan.Zero).Action);
        Assert.Equal(SloAction.Throttle, guard.JudgeWriters(Writers(2.0, 50), "customers", 500, false, Batch300, TimeSpan.Zero).Action);
        Assert.Equal(SloAction.Within, guard.JudgeWriters(Writers(2.0, 4.0), "customers", 250, false, Batch300, TimeSpan.Zero).Action);
        Assert.Equal(SloAction.Throttle, guard.JudgeWriters(Writers(2.0, 50), "customers", 250, false, Batch300, TimeSpan.Zero).Action);   // the count started again

        // The batch rules count their own breaches: a batch within its bounds leaves the writers' count alone.
        var both = new BackfillSloGuard(Slo);
        both.JudgeWriters(Writers(2.0, 50), "customers", 1000, false, Batch300, TimeSpan.Zero);
        both.JudgeWriters(Writers(2.0, 50), "customers", 500, false, Batch300, TimeSpan.Zero);
        Assert.Equal(SloAction.Within, both.Judge(Batch(100), 250, false).Action);
        Assert.Equal(SloAction.Stop, both.JudgeWriters(Writers(2.0, 50), "customers", 250, false, Batch300, TimeSpan.Zero).Action);
    }

    [Fact]
    public void Rule7_a_breach_caps_the_batch_at_half_and_paces_the_backfill_doubling_the_pause()
    {
        var guard = new BackfillSloGuard(Slo);
        var first = guard.JudgeWriters(Writers(2.0, 50), "customers", 1000, false, Batch300, TimeSpan.Zero);
        Assert.Equal((SloAction.Throttle, 500, Batch300), (first.Action, first.CapAt, first.Pace));   // as long as the last batch
        Assert.Null(first.ShrinkTo);
        Assert.Contains("the writers' p99 on customers rose to an estimated 50.0 ms over 300 writes in 1.0 s, from 2.0 ms over 500 writes in 5.0 s before the backfill (25.0x", first.Evidence);
        Assert.Contains("above the slo's writer_p99_increase of 2x", first.Evidence);
        Assert.Contains(WriterP99Estimate.Method, first.Evidence);
        Assert.EndsWith(": throttled", first.Evidence);

        var second = guard.JudgeWriters(Writers(2.0, 50), "customers", 500, false, TimeSpan.FromMilliseconds(10), first.Pace!.Value);
        Assert.Equal((500 / 2, TimeSpan.FromMilliseconds(600)), (second.CapAt, second.Pace));   // twice the pause so far

        // At the smallest size, not yet paced: pacing is the throttle left (at least the minimum pace).
        var atMinimum = new BackfillSloGuard(Slo).JudgeWriters(Writers(2.0, 50), "customers", 100, true, TimeSpan.FromMilliseconds(5), TimeSpan.Zero);
        Assert.Equal((SloAction.Throttle, (int?)null, BackfillSloGuard.MinimumPace), (atMinimum.Action, atMinimum.CapAt, atMinimum.Pace));

        // The plan's own pause_between_batches is longer than any batch: the throttle doubles that, or it would change nothing.
        var planPaced = new BackfillSloGuard(Slo).JudgeWriters(Writers(2.0, 50), "customers", 1000, false, Batch300, TimeSpan.FromSeconds(2));
        Assert.Equal(TimeSpan.FromSeconds(4), planPaced.Pace);
    }

    [Fact]
    public void Rule8_a_breach_at_the_smallest_size_already_paced_or_the_third_in_a_row_stops()
    {
        var paced = new BackfillSloGuard(Slo);
        paced.JudgeWriters(Writers(2.0, 50), "customers", 100, true, Batch300, TimeSpan.Zero);
        var stop = paced.JudgeWriters(Writers(2.0, 50), "customers", 100, true, Batch300, TimeSpan.Zero);
        Assert.Equal(SloAction.Stop, stop.Action);
        Assert.Contains("even at the smallest batch size with pauses between batches", stop.Evidence);
        Assert.Contains("writer_p99_increase", stop.Remedy);

        var guard = new BackfillSloGuard(Slo);
        guard.JudgeWriters(Writers(2.0, 50), "customers", 1000, false, Batch300, TimeSpan.Zero);
        guard.JudgeWriters(Writers(2.0, 50), "customers", 500, false, Batch300, TimeSpan.Zero);
        var third = guard.JudgeWriters(Writers(2.0, 50), "customers", 250, false, Batch300, TimeSpan.Zero);
        Assert.Equal(SloAction.Stop, third.Action);
        Assert.Contains("3 windows in a row despite throttling", third.Evidence);
    }
}
