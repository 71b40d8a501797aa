using Sluice.Errors;

namespace Sluice.Canary;

/// <summary>The share of new requests each version receives, in whole percent; the baseline gets the rest.</summary>
public sealed record TrafficSplit
{
    public TrafficSplit(int canaryPercent)
    {
        if (canaryPercent is < 0 or > 100)
            throw new ArgumentOutOfRangeException(nameof(canaryPercent), canaryPercent, "a canary weight is a percentage from 0 to 100");
        CanaryPercent = canaryPercent;
    }

    public int CanaryPercent { get; }

    public int BaselinePercent => 100 - CanaryPercent;

    /// <summary>Everything on the baseline: where a rollback puts traffic first.</summary>
    public static TrafficSplit AllBaseline { get; } = new(0);

    /// <summary>Everything on the new version: a promoted canary, or a blue/green switch.</summary>
    public static TrafficSplit AllCanary { get; } = new(100);

    public override string ToString() => $"{BaselinePercent}/{CanaryPercent}";
}
