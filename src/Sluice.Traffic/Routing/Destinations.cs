using Sluice.Canary;

namespace Sluice.Traffic.Routing;

/// <summary>The names the two versions carry inside YARP (its destination ids), and back.</summary>
internal static class Destinations
{
    public const string Cluster = "service";
    public const string Baseline = "baseline";
    public const string Canary = "canary";

    public static string IdOf(ServiceVersion version) => version == ServiceVersion.Canary ? Canary : Baseline;

    public static ServiceVersion? VersionOf(string? destinationId) => destinationId switch
    {
        Baseline => ServiceVersion.Baseline,
        Canary => ServiceVersion.Canary,
        _ => null,
    };
}
