using System.Text.Json.Nodes;
using Sluice.Canary;
using Sluice.Errors;
using Sluice.Kubernetes.Gateway;

namespace Sluice.Adapters.Tests.Kubernetes;

/// <summary>One test per row of the rule table in <see cref="HttpRouteWeights"/>; the method name starts with the row id.</summary>
public sealed class HttpRouteWeightsRulesTests
{
    private const string Address = "https://api.example:6443/apis/gateway.networking.k8s.io/v1/namespaces/shop/httproutes/shop";
    private static readonly HttpRouteTarget Target = new("shop", "shop", "shop-v1", "shop-v2");
    private static readonly HttpRouteWeights Weights = new(Target, Address);

    private static JsonObject Route(params JsonObject[] backendRefs) => new()
    {
        ["spec"] = new JsonObject { ["rules"] = new JsonArray(new JsonObject { ["backendRefs"] = new JsonArray(backendRefs) }) },
    };

    private static JsonObject Ref(string name, int? weight = null, string? kind = null, string? group = null, string? ns = null)
    {
        var r = new JsonObject { ["name"] = name, ["port"] = 8080 };
        if (weight is not null) r["weight"] = weight;
        if (kind is not null) r["kind"] = kind;
        if (group is not null) r["group"] = group;
        if (ns is not null) r["namespace"] = ns;
        return r;
    }

    [Fact]
    public void W1_no_rule_at_the_index_is_SLU265()
    {
        var e = Assert.Throws<SluiceException>(() => new HttpRouteWeights(Target with { RuleIndex = 3 }, Address).Read(Route(Ref("shop-v1"), Ref("shop-v2"))));
        Assert.Equal((ErrorKind.Usage, ErrorCodes.RouteNotFound), (e.Kind, e.Code));
        Assert.Contains(Address, e.Message);
    }

    [Fact]
    public void W2_a_version_is_a_Service_backendRef_of_the_core_group_by_name()
    {
        Assert.Equal(40, Weights.Read(Route(Ref("shop-v1", 60, kind: "Service", group: ""), Ref("shop-v2", 40))).CanaryPercent);
        // The same name in another kind or group is some other backend, so the canary's Service is missing.
        var e = Assert.Throws<SluiceException>(() => Weights.Read(Route(Ref("shop-v1", 60), Ref("shop-v2", 40, kind: "ServiceImport", group: "multicluster.x-k8s.io"))));
        Assert.Equal(ErrorCodes.BackendNotRouted, e.Code);
    }

    [Fact]
    public void W3_a_version_missing_from_the_rule_is_SLU266_naming_its_Service()
    {
        var e = Assert.Throws<SluiceException>(() => Weights.Read(Route(Ref("shop-v1", 100))));
        Assert.Equal((ErrorKind.Usage, ErrorCodes.BackendNotRouted), (e.Kind, e.Code));
        Assert.Contains("shop-v2", e.Message);
    }

    [Fact]
    public void W4_another_backend_with_weight_is_SLU266_and_one_at_0_is_left_alone()
    {
        var e = Assert.Throws<SluiceException>(() => Weights.Read(Route(Ref("shop-v1", 90), Ref("shop-v2", 5), Ref("shop-legacy", 5))));
        Assert.Equal(ErrorCodes.BackendNotRouted, e.Code);
        Assert.Contains("shop-legacy (weight 5)", e.Message);
        Assert.Equal(10, Weights.Read(Route(Ref("shop-v1", 90), Ref("shop-v2", 10), Ref("shop-legacy", 0))).CanaryPercent);
    }

    [Fact]
    public void W5_a_backendRef_without_weight_weighs_1()
    {
        Assert.Equal(50, Weights.Read(Route(Ref("shop-v1"), Ref("shop-v2"))).CanaryPercent);
        Assert.Equal(25, Weights.Read(Route(Ref("shop-v1", 3), Ref("shop-v2"))).CanaryPercent);
    }

    [Fact]
    public void W6_writing_sets_the_two_weights_and_nothing_else()
    {
        var route = Route(Ref("shop-v1", 1), Ref("shop-v2", 0, ns: "shop"), Ref("shop-legacy", 0));
        var before = route.DeepClone();
        Weights.Write(route, new TrafficSplit(25));
        var refs = route["spec"]!["rules"]![0]!["backendRefs"]!.AsArray();
        Assert.Equal((75, 25, 0), ((int)refs[0]!["weight"]!, (int)refs[1]!["weight"]!, (int)refs[2]!["weight"]!));
        refs[0]!["weight"] = 1;
        refs[1]!["weight"] = 0;
        Assert.True(JsonNode.DeepEquals(before, route));
    }

    [Fact]
    public void W7_reading_rounds_to_a_whole_percent_and_both_at_0_is_SLU273()
    {
        Assert.Equal(67, Weights.Read(Route(Ref("shop-v1", 1), Ref("shop-v2", 2))).CanaryPercent);
        var e = Assert.Throws<SluiceException>(() => Weights.Read(Route(Ref("shop-v1", 0), Ref("shop-v2", 0))));
        Assert.Equal((ErrorKind.Failure, ErrorCodes.RouterAnswerUnreadable), (e.Kind, e.Code));
    }
}
