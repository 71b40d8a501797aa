namespace Sluice.Canary;

/// <summary>
/// Reads what the two versions did during a window: the router's own counts and latencies, the Prometheus HTTP API,
/// the database's statistics per <c>application_name</c>. A source that cannot answer throws
/// <see cref="MetricSourceException"/>; the analysis counts that towards <c>consecutive_error_limit</c>, never as a pass.
/// </summary>
public interface IMetricSource
{
    /// <summary>The source's name in a canary definition and in reports (<c>router</c>, <c>prometheus</c>, <c>database</c>).</summary>
    string Name { get; }

    /// <summary>The metrics this source can measure, as named in a definition (<c>error_rate</c>, <c>latency</c>, ...).</summary>
    IReadOnlyCollection<string> Metrics { get; }

    Task<IReadOnlyList<MetricObservation>> ObserveAsync(MetricWindow window, CancellationToken cancellationToken);
}

/// <summary>A metric source did not answer (unreachable, an error status, a malformed reply); the message names the source and address.</summary>
public sealed class MetricSourceException(string source, string message, Exception? inner = null)
    : Exception($"metric source {source}: {message}", inner)
{
    public string SourceName { get; } = source;
}
