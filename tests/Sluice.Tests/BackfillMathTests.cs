using Sluice.Migrations.Backfill;
using Sluice.Migrations.Running;

namespace Sluice.Tests;

public sealed class BackfillMathTests
{
    private static readonly TimeSpan Target = TimeSpan.FromMilliseconds(200);

    [Fact]
    public void Batch_size_moves_toward_the_target_time_by_at_most_double_or_half()
    {
        var sizer = new BatchSizer(Target, initial: 1000, min: 100, max: 50_000);
        Assert.Equal(1000, sizer.Current);
        Assert.Equal(2000, sizer.Next(1000, TimeSpan.FromMilliseconds(10)));   // far too fast: double, not 20x
        Assert.Equal(2500, sizer.Next(2000, TimeSpan.FromMilliseconds(160)));  // a little fast: proportional
        Assert.Equal(1250, sizer.Next(2500, TimeSpan.FromSeconds(5)));         // far too slow: halve, not /25
        Assert.Equal(1250, sizer.Next(1250, Target));                          // on target: keep
    }

    [Fact]
    public void Batch_size_stays_within_bounds()
    {
        var sizer = new BatchSizer(Target, initial: 5, min: 100, max: 300);
        Assert.Equal(100, sizer.Current);
        Assert.Equal(100, sizer.Next(100, TimeSpan.FromSeconds(10)));
        Assert.Equal(200, sizer.Next(100, TimeSpan.Zero));
        Assert.Equal(300, sizer.Next(200, TimeSpan.FromMilliseconds(1)));
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
