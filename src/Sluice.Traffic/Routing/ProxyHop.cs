namespace Sluice.Traffic.Routing;

/// <summary>
/// What the router does per request beyond forwarding it, as switches so the canary benchmark can measure one setting
/// against another in the same run (docs/benchmarks.md, "Canary: router overhead"). The default is what ships.
/// </summary>
/// <param name="ActivityHeaders">YARP's default: the forwarder's client carries a propagator, so every proxied
/// request goes through .NET's diagnostics handler (an activity check, header rewriting). Off: the hop adds no trace
/// headers of its own; a <c>traceparent</c> the caller sent is still forwarded as any other header.</param>
/// <param name="RecordRequests">The router's own per-version counts and latencies (<see cref="Metrics.RequestLog"/>).
/// Off only to measure what they cost: the router metric source needs them.</param>
internal sealed record ProxyHop(bool ActivityHeaders, bool RecordRequests)
{
    public static ProxyHop Default { get; } = new(ActivityHeaders: false, RecordRequests: true);

    /// <summary>The router as it was before the overhead was measured: YARP's client defaults.</summary>
    public static ProxyHop YarpDefaults { get; } = new(ActivityHeaders: true, RecordRequests: true);
}
