using Sluice.Migrations.Backfill;

namespace Sluice.Tests;

/// <summary><see cref="WriterP99Estimate"/>'s table, row by row, on a baseline of writes taking 0.5 ms on average
/// (deviation 0.25 ms), whose log-normal p99 is 1.342 ms.</summary>
public sealed class WriterP99EstimateTests
{
    private static readonly WriterLatency Baseline = new(1000, 0.5, 0.25, TimeSpan.FromSeconds(5));

    /// <summary>A window where a share of the writes waited <paramref name="waitMs"/> on top of the baseline: its
    /// mean and deviation as a mixture's.</summary>
    private static WriterLatency Waited(double share, double waitMs) =>
        new(1000, Baseline.MeanMilliseconds + share * waitMs,
            Math.Sqrt(Baseline.StdDevMilliseconds * Baseline.StdDevMilliseconds + share * (1 - share) * waitMs * waitMs), TimeSpan.FromSeconds(1));

    [Fact]
    public void The_baseline_is_a_log_normal_with_its_mean_and_deviation()
    {
        Assert.Equal(1.342, WriterP99Estimate.Baseline(Baseline), 3);
        Assert.Equal(2.3263, WriterP99Estimate.NormalQuantile(0.99), 4);
        Assert.Equal(-2.3263, WriterP99Estimate.NormalQuantile(0.01), 4);
        Assert.Equal(3.0902, WriterP99Estimate.NormalQuantile(0.999), 4);
        Assert.Equal(0, WriterP99Estimate.NormalQuantile(0.5), 9);
        Assert.Equal(0.5, WriterP99Estimate.LogNormalQuantile(0.5, 0, 0.99));   // no spread: every write takes the mean
    }

    [Fact]
    public void Rule1_writes_no_slower_on_average_keep_the_baselines_p99()
    {
        var (p99, rule) = WriterP99Estimate.Window(Baseline, new WriterLatency(1000, 0.4, 2.0, TimeSpan.FromSeconds(1)));
        Assert.Equal((1.342, 1), (Math.Round(p99, 3), rule));
    }

    [Fact]
    public void Rule2_writes_slower_but_no_more_spread_are_all_shifted()
    {
        var (p99, rule) = WriterP99Estimate.Window(Baseline, new WriterLatency(1000, 0.8, 0.2, TimeSpan.FromSeconds(1)));
        Assert.Equal((1.642, 2), (Math.Round(p99, 3), rule));   // 1.342 + 0.3
    }

    [Fact]
    public void Rule3_when_one_write_in_a_hundred_or_more_waited_the_p99_is_the_baseline_plus_the_wait()
    {
        // 5 % of the writes waited 200 ms behind a batch: the moments give back exactly that wait.
        var (p99, rule) = WriterP99Estimate.Window(Baseline, Waited(0.05, 200));
        Assert.Equal((201.342, 3), (Math.Round(p99, 3), rule));
    }

    [Fact]
    public void Rule4_a_wait_rarer_than_one_in_a_hundred_barely_moves_the_p99()
    {
        // 1 write in 300 waited 200 ms: the slowest 1 % are those and the slowest 0.67 % of the rest. A log-normal of
        // the window alone (mean 1.17 ms, deviation 11.5 ms) would say 17 ms, nearly 13x the baseline's.
        var (p99, rule) = WriterP99Estimate.Window(Baseline, Waited(1.0 / 300, 200));
        Assert.Equal(4, rule);
        Assert.InRange(p99, 1.40, 1.48);   // the baseline's quantile at 99.33 %
        Assert.True(WriterP99Estimate.LogNormalQuantile(1.1667, 11.53, 0.99) > 10 * WriterP99Estimate.Baseline(Baseline));

        // Never above the baseline's p99 plus the wait: 0.9 % waiting 0.5 ms would otherwise read the baseline's 99.9 %.
        var (capped, cappedRule) = WriterP99Estimate.Window(Baseline, Waited(0.009, 0.5));
        Assert.Equal((1.842, 4), (Math.Round(capped, 3), cappedRule));
    }

    [Fact]
    public void A_window_is_the_pooled_difference_of_two_readings()
    {
        var before = Reading(("a", StatementTimes.FromMeanAndDeviation(10, 20, 1)), ("gone", new StatementTimes(7, 7, 7)));
        var after = Reading(("a", new StatementTimes(30, 60, before.Statements["a"].SumOfSquaresMilliseconds + 120)), ("b", new StatementTimes(5, 50, 600)));
        var window = WriterLatency.Between(before, after, TimeSpan.FromSeconds(2));
        // a: 20 calls, 40 ms, 120 ms² more; b is new, whole: 25 calls, 90 ms, 720 ms² (an evicted statement counts nothing).
        Assert.Equal(25, window.Calls);
        Assert.Equal(3.6, window.MeanMilliseconds, 9);
        Assert.Equal(Math.Sqrt(720.0 / 25 - 3.6 * 3.6), window.StdDevMilliseconds, 9);

        // Values 1, 1, 3 and 3: mean 2, population deviation 1, squares 20.
        Assert.Equal(20, StatementTimes.FromMeanAndDeviation(4, 8, 1).SumOfSquaresMilliseconds, 9);

        // A count that went down (reset, or evicted and recorded again) counts whole.
        var reset = WriterLatency.Between(Reading(("a", new StatementTimes(100, 500, 9000))), Reading(("a", StatementTimes.FromMeanAndDeviation(4, 8, 1))), TimeSpan.FromSeconds(1));
        Assert.Equal((4, 2.0, 1.0), (reset.Calls, reset.MeanMilliseconds, Math.Round(reset.StdDevMilliseconds, 9)));

        var none = WriterLatency.Between(after, after, TimeSpan.FromSeconds(1));
        Assert.Equal((0, 0.0, 0.0), (none.Calls, none.MeanMilliseconds, none.StdDevMilliseconds));
    }

    private static WriterLatencyReading Reading(params (string Key, StatementTimes Times)[] statements) =>
        new(statements.ToDictionary(s => s.Key, s => s.Times, StringComparer.Ordinal));
}
