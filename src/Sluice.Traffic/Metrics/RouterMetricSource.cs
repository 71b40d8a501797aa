using Sluice.Canary;
using Sluice.Traffic.Routing;

namespace Sluice.Traffic.Metrics;

/// <summary>
/// The local router's own view of each version in a window (requests by arrival time):
/// <list type="bullet">
/// <item><c>error_rate</c>: Value = failed / requests (a 5xx answer, or the router could not reach the version),
/// Count = requests; Value is null when there were none.</item>
/// <item><c>latency</c>: Value = the 95th percentile in milliseconds (nearest rank) over every answered request,
/// Count = answered requests, Samples = their latencies, at most <see cref="MaxSamples"/> (an even spread over the
/// window when there are more) for the baseline-against-canary comparison.</item>
/// </list>
/// A stopped (or, for a router process, unreachable) router fails with <see cref="MetricSourceException"/> naming its address, never an empty pass.
/// </summary>
public sealed class RouterMetricSource : IMetricSource
{
    private readonly IRouterRequests _router;
    private readonly int _maxSamples;

    /// <summary>The router in this process.</summary>
    public RouterMetricSource(YarpTrafficRouter router, int maxSamples = 5_000) : this((IRouterRequests)router, maxSamples) { }

    /// <summary>A router process of its own, through its admin endpoint (a canary run in stages).</summary>
    public RouterMetricSource(RemoteYarpRouter router, int maxSamples = 5_000) : this((IRouterRequests)router, maxSamples) { }

    private RouterMetricSource(IRouterRequests router, int maxSamples)
    {
        _router = router;
        _maxSamples = maxSamples;
    }

    public const string ErrorRate = "error_rate";
    public const string Latency = "latency";

    public string Name => "router";

    public int MaxSamples => _maxSamples;

    public IReadOnlyCollection<string> Metrics { get; } = [ErrorRate, Latency];

    public async Task<IReadOnlyList<MetricObservation>> ObserveAsync(MetricWindow window, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(window);
        var observations = new List<MetricObservation>();
        foreach (var version in new[] { ServiceVersion.Baseline, ServiceVersion.Canary })
        {
            var counts = await _router.ReadAsync(version, window, cancellationToken);
            observations.Add(new MetricObservation(ErrorRate, version, counts.Requests,
                counts.Requests == 0 ? null : (double)counts.Failures / counts.Requests, []));
            observations.Add(new MetricObservation(Latency, version, counts.Latencies.Count,
                Percentile(counts.Latencies, 0.95), Spread(counts.Latencies, _maxSamples)));
        }
        return observations;
    }

    /// <summary>Nearest-rank percentile; null for no values.</summary>
    internal static double? Percentile(IReadOnlyList<double> values, double fraction)
    {
        if (values.Count == 0) return null;
        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(fraction * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    /// <summary>Every value when they fit, else every k-th in arrival order: deterministic and spread over the window.</summary>
    private static IReadOnlyList<double> Spread(IReadOnlyList<double> values, int max)
    {
        if (values.Count <= max) return values;
        var step = (double)values.Count / max;
        return Enumerable.Range(0, max).Select(i => values[(int)(i * step)]).ToArray();
    }
}
