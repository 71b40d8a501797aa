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
}
