using Sluice.Migrations.Backfill;
using Sluice.Migrations.Running;

namespace Sluice.Tests;

public sealed class BackfillMathTests
{
    private static readonly TimeSpan Target = TimeSpan.FromMilliseconds(200);

    // One test per rule of BatchSizer's table (its doc comment), in its order.

    [Fact]
    public void Rule1_before_any_batch_the_size_is_the_initial_one_within_bounds()
    {
        Assert.Equal(1000, new BatchSizer(Target, initial: 1000, min: 100, max: 50_000).Current);
        Assert.Equal(100, new BatchSizer(Target, initial: 5, min: 100, max: 300).Current);
    }

    [Fact]
    public void Rule2_an_outlier_over_five_times_the_target_shrinks_at_once_in_proportion()
    {
        var sizer = new BatchSizer(Target, initial: 10_000, min: 100, max: 50_000);
        Assert.Equal(1000, sizer.Next(10_000, TimeSpan.FromSeconds(2)));   // 10x the target: a tenth, not a half
        Assert.Equal(2, sizer.LastRule);
    }

    [Fact]
    public void Rule3_writers_waiting_behind_a_batch_for_over_half_the_target_halve_it()
    {
        var sizer = new BatchSizer(Target, initial: 4000, min: 100, max: 50_000);
        Assert.Equal(2000, sizer.Next(4000, TimeSpan.FromMilliseconds(150), writerWait: TimeSpan.FromMilliseconds(120)));
        Assert.Equal(3, sizer.LastRule);
        var shortWait = new BatchSizer(Target, initial: 4000, min: 100, max: 50_000);
        shortWait.Next(4000, TimeSpan.FromMilliseconds(150), writerWait: TimeSpan.FromMilliseconds(90));
        Assert.Equal(4, shortWait.LastRule);
    }

    [Fact]
    public void Rule4_the_size_follows_the_p90_of_the_last_ten_batches_not_their_mean()
    {
        var sizer = new BatchSizer(Target, initial: 1000, min: 100, max: 50_000);
        Assert.Equal(2000, sizer.Next(1000, TimeSpan.FromMilliseconds(10)));   // far too fast: at most double
        Assert.Equal(4, sizer.LastRule);
        // Eight batches at 0.1 ms a row and two at 0.4 ms: the mean says 0.16 ms (1250 rows), the p90 the slow ones' 500.
        var tail = new BatchSizer(Target, initial: 1000, min: 100, max: 50_000);
        for (var i = 0; i < 8; i++) tail.Next(1000, TimeSpan.FromMilliseconds(100));
        tail.Next(1000, TimeSpan.FromMilliseconds(400));
        Assert.Equal(500, tail.Next(1000, TimeSpan.FromMilliseconds(400)));
        // Ten fast batches later the slow one has left the window.
        for (var i = 0; i < 10; i++) tail.Next(1000, TimeSpan.FromMilliseconds(100));
        Assert.Equal(2000, tail.Current);
    }

    [Fact]
    public void Rule5_a_byte_budget_caps_the_rows_whatever_the_time_says()
    {
        var sizer = new BatchSizer(Target, initial: 1000, min: 100, max: 50_000, maxRowsByBytes: 1500);
        Assert.Equal(1500, sizer.Next(1000, TimeSpan.FromMilliseconds(10)));
        Assert.Equal(5, sizer.LastRule);
    }

    [Fact]
    public void Rule6_once_writers_waited_on_a_batch_a_batch_covers_at_most_the_locked_share_of_the_table()
    {
        // 1M rows at the default 0.3 %: 3000 rows, however fast the batches; before any writer waited, time alone decides.
        var sizer = new BatchSizer(Target, initial: 2000, min: 100, max: 50_000, tableRows: 1_000_000);
        Assert.Equal(4000, sizer.Next(2000, TimeSpan.FromMilliseconds(20)));
        Assert.Equal(4, sizer.LastRule);
        Assert.Equal(3000, sizer.Next(4000, TimeSpan.FromMilliseconds(40), writerWait: TimeSpan.FromMilliseconds(30)));
        Assert.Equal(6, sizer.LastRule);
        // It holds for the rest of the run, also when no writer waited on the next batches (a smaller batch meets fewer).
        Assert.Equal(3000, sizer.Next(3000, TimeSpan.FromMilliseconds(30)));
        Assert.Equal(6, sizer.LastRule);
        // A plan's own share, and 10M rows: 30,000 rows a batch is still 0.3 % of them.
        var own = new BatchSizer(Target, initial: 2000, min: 100, max: 50_000, tableRows: 1_000_000, maxLockedShare: 0.001);
        Assert.Equal(1000, own.Next(2000, TimeSpan.FromMilliseconds(20), writerWait: TimeSpan.FromMilliseconds(5)));
        var large = new BatchSizer(Target, initial: 20_000, min: 100, max: 50_000, tableRows: 10_000_000);
        Assert.Equal(30_000, large.Next(20_000, TimeSpan.FromMilliseconds(20), writerWait: TimeSpan.FromMilliseconds(5)));
        // Unknown table size: no cap.
        var unknown = new BatchSizer(Target, initial: 2000, min: 100, max: 50_000);
        Assert.Equal(4000, unknown.Next(2000, TimeSpan.FromMilliseconds(20), writerWait: TimeSpan.FromMilliseconds(5)));
    }

    [Fact]
    public void Rule7_the_size_stays_within_the_plans_bounds()
    {
        // The plan's minimum wins over the locked share (1M rows × 0.3 % = 3000 < 5000).
        var floor = new BatchSizer(Target, initial: 5000, min: 5000, max: 50_000, tableRows: 1_000_000);
        Assert.Equal(5000, floor.Next(5000, TimeSpan.FromMilliseconds(50), writerWait: TimeSpan.FromMilliseconds(5)));
        Assert.Equal(7, floor.LastRule);
        var slow = new BatchSizer(Target, initial: 100, min: 100, max: 300);
        Assert.Equal(100, slow.Next(100, TimeSpan.FromSeconds(10)));
        Assert.True(slow.AtMinimum);
        var fast = new BatchSizer(Target, initial: 200, min: 100, max: 300);
        Assert.Equal(300, fast.Next(200, TimeSpan.Zero));
        Assert.Equal(300, fast.Next(300, TimeSpan.FromMilliseconds(1)));
        Assert.Equal(100, fast.ShrinkTo(10));

        // An SLO throttle's ceiling holds for the rest of the phase: fast batches no longer grow the size past it.
        var capped = new BatchSizer(Target, initial: 1000, min: 100, max: 50_000);
        Assert.Equal(500, capped.CapAt(500));
        Assert.Equal(500, capped.Next(500, TimeSpan.FromMilliseconds(1)));
        Assert.Equal(7, capped.LastRule);
        Assert.Equal(100, capped.CapAt(10));   // the plan's minimum wins over the ceiling
        Assert.True(capped.AtMinimum);
    }

    [Fact]
    public void Progress_reports_rate_and_eta_from_this_runs_work()
    {
        // Resumed at 4000 rows with 6000 left; this run did 1000 rows in 2 s: 500 rows/s, 5000 left, 10 s.
        var progress = BackfillProgress.Estimate(rowsDone: 5000, rowsAtStart: 4000, rowsLeftAtStart: 6000, batches: 12, batchSize: 800,
            lastKey: 5000, elapsed: TimeSpan.FromSeconds(2), throttled: null);
        Assert.Equal(10_000, progress.RowsTotal);
        Assert.Equal(500, progress.RowsPerSecond);
        Assert.Equal(TimeSpan.FromSeconds(10), progress.Eta);
        Assert.Equal(0.5, progress.Fraction);
        Assert.Contains("5000/10000 rows (50", progress.ToString());

        var first = BackfillProgress.Estimate(0, 0, 100, 0, 800, null, TimeSpan.Zero, "replication lag");
        Assert.Null(first.Eta);
        Assert.Contains("throttled: replication lag", first.ToString());
    }

    [Fact]
    public void Retry_delays_grow_exponentially_with_jitter_and_are_capped()
    {
        var policy = new RetryPolicy(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1), new Random(42));
        for (var attempt = 1; attempt <= 12; attempt++)
        {
            var ceiling = Math.Min(100 * Math.Pow(2, attempt - 1), 1000);
            var delay = policy.Delay(attempt).TotalMilliseconds;
            Assert.InRange(delay, ceiling / 2, ceiling);
        }
        var a = new RetryPolicy(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1), new Random(7));
        var b = new RetryPolicy(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1), new Random(8));
        Assert.NotEqual(Enumerable.Range(1, 5).Select(a.Delay), Enumerable.Range(1, 5).Select(b.Delay));
    }
}
