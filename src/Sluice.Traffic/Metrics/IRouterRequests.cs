using Sluice.Canary;

namespace Sluice.Traffic.Metrics;

/// <summary>What a local router forwarded to one version in a window: read in its process, or through its admin endpoint.</summary>
internal interface IRouterRequests
{
    /// <exception cref="MetricSourceException">The router was stopped or cannot be reached.</exception>
    Task<WindowCounts> ReadAsync(ServiceVersion version, MetricWindow window, CancellationToken cancellationToken);
}
