using Sluice.Canary;

namespace Sluice.Traffic.Routing;

/// <summary>The split new requests are routed by. One reference, replaced whole: a request reads it once when its
/// destination is picked, so a change never touches a request already on its way.</summary>
internal sealed class CurrentSplit(TrafficSplit initial)
{
    private volatile TrafficSplit _split = initial;

    public TrafficSplit Value
    {
        get => _split;
        set => _split = value;
    }

    public int PercentOf(ServiceVersion version) => version == ServiceVersion.Canary ? _split.CanaryPercent : _split.BaselinePercent;
}
