namespace Sluice.Canary;

/// <summary>
/// Sends each new request to the baseline or the canary by weight. A change of weights applies to requests that
/// arrive after it; requests in flight finish where they started. Implementations: the local YARP proxy, the
/// Kubernetes Gateway API (an HTTPRoute's backendRefs), Azure App Service slot traffic.
/// </summary>
public interface ITrafficRouter
{
    /// <summary>Where the router is, for messages: an address or a resource id, never a credential.</summary>
    string Address { get; }

    /// <summary>Fails with a usage <see cref="Errors.SluiceException"/> naming <see cref="Address"/> when the router
    /// cannot be reached or does not know the two versions; called before any traffic moves.</summary>
    Task CheckReachableAsync(CancellationToken cancellationToken);

    Task RouteAsync(TrafficSplit split, CancellationToken cancellationToken);

    Task<TrafficSplit> CurrentAsync(CancellationToken cancellationToken);
}
