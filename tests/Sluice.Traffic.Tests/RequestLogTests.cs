using Sluice.Canary;
using Sluice.Traffic.Metrics;

namespace Sluice.Traffic.Tests;

/// <summary>The router's memory of requests: bounded, per version, read by arrival time.</summary>
public sealed class RequestLogTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void It_keeps_at_most_its_capacity_per_version_forgetting_the_oldest()
    {
        var log = new RequestLog(capacity: 10);
        for (var i = 0; i < 25; i++) log.Record(ServiceVersion.Canary, T0.AddSeconds(i), i, failed: i % 5 == 0, answered: true);
        log.Record(ServiceVersion.Baseline, T0, 1, failed: false, answered: true);

        var all = log.Read(ServiceVersion.Canary, new MetricWindow(T0, T0.AddMinutes(1)));
        Assert.Equal(10, all.Requests);                                  // requests 15..24 are left
        Assert.Equal(2, all.Failures);                                   // 15 and 20
        Assert.Equal(Enumerable.Range(15, 10).Select(i => (double)i), all.Latencies.Order());
        Assert.Equal(1, log.Read(ServiceVersion.Baseline, new MetricWindow(T0, T0.AddMinutes(1))).Requests);
    }

    [Fact]
    public void A_window_counts_arrivals_from_its_start_up_to_but_not_including_its_end()
    {
        var log = new RequestLog(capacity: 100);
        for (var i = 0; i < 10; i++) log.Record(ServiceVersion.Baseline, T0.AddSeconds(i), 5, failed: false, answered: i != 3);
        var window = log.Read(ServiceVersion.Baseline, new MetricWindow(T0.AddSeconds(2), T0.AddSeconds(6)));
        Assert.Equal(4, window.Requests);          // seconds 2, 3, 4, 5
        Assert.Equal(3, window.Latencies.Count);   // 3 was not answered: no latency
    }

    [Theory]
    [InlineData(new double[] { 5 }, 5)]
    [InlineData(new double[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20 }, 19)]
    [InlineData(new double[] { 100, 1, 1, 1 }, 100)]
    public void Latency_is_the_nearest_rank_95th_percentile(double[] values, double p95) =>
        Assert.Equal(p95, RouterMetricSource.Percentile(values, 0.95));

    [Fact]
    public void No_latencies_give_no_percentile() => Assert.Null(RouterMetricSource.Percentile([], 0.95));
}
