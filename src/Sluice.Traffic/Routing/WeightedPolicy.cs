using Microsoft.AspNetCore.Http;
using Sluice.Canary;
using Yarp.ReverseProxy.LoadBalancing;
using Yarp.ReverseProxy.Model;

namespace Sluice.Traffic.Routing;

/// <summary>
/// YARP's load-balancing step for the two versions: a new request goes to the canary with the canary's percentage as
/// its chance. Runs only when session affinity has not already chosen (a sticky user keeps their version).
/// </summary>
internal sealed class WeightedPolicy(CurrentSplit split) : ILoadBalancingPolicy
{
    public const string PolicyName = "SluiceWeighted";

    public string Name => PolicyName;

    public DestinationState? PickDestination(HttpContext context, ClusterState cluster, IReadOnlyList<DestinationState> availableDestinations)
    {
        if (availableDestinations.Count <= 1) return availableDestinations.FirstOrDefault();
        var canary = Random.Shared.Next(100) < split.Value.CanaryPercent;
        var wanted = Destinations.IdOf(canary ? ServiceVersion.Canary : ServiceVersion.Baseline);
        return availableDestinations.FirstOrDefault(d => d.DestinationId == wanted) ?? availableDestinations[0];
    }
}
