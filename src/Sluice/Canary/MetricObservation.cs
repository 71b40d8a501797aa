namespace Sluice.Canary;

/// <summary>
/// What one metric source saw of one version during a window. <see cref="Count"/> is how many samples stand behind
/// the figure (requests for a rate, measured requests for a latency); below a step's <c>min_samples</c> the metric is
/// inconclusive. <see cref="Value"/> is the aggregate (a rate from 0 to 1, a latency in milliseconds, a count of
/// events) or null when the source has none; <see cref="Samples"/> are raw values (latencies in milliseconds) for the
/// baseline-against-canary comparison, empty when the source only aggregates.
/// </summary>
public sealed record MetricObservation(string Metric, ServiceVersion Version, long Count, double? Value, IReadOnlyList<double> Samples);
