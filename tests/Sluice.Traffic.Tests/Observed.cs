using Sluice.Canary;
using Sluice.Traffic.Metrics;

namespace Sluice.Traffic.Tests;

/// <summary>One version's figures from the router's metric source for a window.</summary>
internal sealed record Observed(long Requests, double? ErrorRate, long Answered, double? P95, IReadOnlyList<double> Samples)
{
    public static async Task<(Observed Baseline, Observed Canary)> ReadAsync(IMetricSource source, MetricWindow window, CancellationToken ct)
    {
        var all = await source.ObserveAsync(window, ct);
        Observed Of(ServiceVersion version)
        {
            var errors = all.Single(o => o.Version == version && o.Metric == RouterMetricSource.ErrorRate);
            var latency = all.Single(o => o.Version == version && o.Metric == RouterMetricSource.Latency);
            return new Observed(errors.Count, errors.Value, latency.Count, latency.Value, latency.Samples);
        }
        return (Of(ServiceVersion.Baseline), Of(ServiceVersion.Canary));
    }
}
