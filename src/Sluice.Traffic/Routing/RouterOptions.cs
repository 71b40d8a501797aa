namespace Sluice.Traffic.Routing;

/// <summary>
/// How the local router is set up: the two versions' addresses, the port it listens on (0: any free port; the bound
/// address is <see cref="YarpTrafficRouter.Address"/>), whether a user stays on one version (a cookie), the path that
/// says a version is ready, and how many requests per version its metrics remember.
/// </summary>
/// <param name="Baseline">The stable version's base address, e.g. <c>http://127.0.0.1:5001</c>.</param>
/// <param name="Canary">The new version's base address.</param>
/// <param name="StickySessions">A cookie (YARP session affinity) keeps a user on the version that first served them,
/// as long as that version's weight is above 0.</param>
/// <param name="AllowRemoteDestinations">Destinations off this machine are refused unless this is set.</param>
public sealed record RouterOptions(Uri Baseline, Uri Canary, bool StickySessions = false, bool AllowRemoteDestinations = false)
{
    /// <summary>The port on 127.0.0.1 the router listens on; 0 takes any free one.</summary>
    public int Port { get; init; }

    /// <summary>What <see cref="YarpTrafficRouter.CheckReachableAsync"/> asks each version; 2xx means ready.</summary>
    public string ReadyPath { get; init; } = "/health/ready";

    /// <summary>The sticky-session cookie's name.</summary>
    public string CookieName { get; init; } = ".Sluice.Version";

    /// <summary>Requests remembered per version for the metrics (oldest forgotten first): 300,000 covers the load
    /// generator's largest run (500 requests/s for 10 minutes) on one version.</summary>
    public int RequestsRemembered { get; init; } = 300_000;

    /// <summary>Per-request work beyond forwarding (benchmark switches; the default ships).</summary>
    internal ProxyHop Hop { get; init; } = ProxyHop.Default;
}
