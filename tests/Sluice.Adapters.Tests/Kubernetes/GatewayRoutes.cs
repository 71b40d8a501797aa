using System.Text.Json.Nodes;

namespace Sluice.Adapters.Tests.Kubernetes;

/// <summary>Routes the tests seed into the fake API server.</summary>
internal static class GatewayRoutes
{
    public const string Namespace = "gateway-conformance-infra";
    public const string Name = "weighted-backends";
    public const string Baseline = "infra-backend-v1";
    public const string Canary = "infra-backend-v2";

    /// <summary>
    /// The Gateway API conformance suite's weighted route (conformance/tests/httproute-weight.yaml at v1.6.1), as
    /// JSON: two versions at 70/30 and a third backend weighted 0, which a canary may leave alone.
    /// </summary>
    public static JsonObject ConformanceWeightedRoute() => new()
    {
        ["apiVersion"] = "gateway.networking.k8s.io/v1",
        ["kind"] = "HTTPRoute",
        ["metadata"] = new JsonObject { ["name"] = Name, ["namespace"] = Namespace },
        ["spec"] = new JsonObject
        {
            ["parentRefs"] = new JsonArray(new JsonObject { ["name"] = "same-namespace" }),
            ["rules"] = new JsonArray(new JsonObject
            {
                ["backendRefs"] = new JsonArray(
                    new JsonObject { ["name"] = Baseline, ["port"] = 8080, ["weight"] = 70 },
                    new JsonObject { ["name"] = Canary, ["port"] = 8080, ["weight"] = 30 },
                    new JsonObject { ["name"] = "infra-backend-v3", ["port"] = 8080, ["weight"] = 0 }),
            }),
        },
    };
}
