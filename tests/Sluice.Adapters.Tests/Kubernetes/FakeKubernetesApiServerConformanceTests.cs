using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using Sluice.Adapters.Tests.Fakes;

namespace Sluice.Adapters.Tests.Kubernetes;

/// <summary>
/// Keeps the fake honest: it serves the resource the CRD names and refuses through the official client what the
/// HTTPRoute CRD (v1.6.1, the excerpt under Specs/) refuses.
/// </summary>
public sealed class FakeKubernetesApiServerConformanceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Fake_serves_the_resource_the_crd_excerpt_names()
    {
        var crd = SpecExcerpts.Load("gateway-api-v1.6.1-httproute-backendrefs.json")["crd"]!;
        Assert.Equal(("gateway.networking.k8s.io", "HTTPRoute", "httproutes", "Namespaced", "v1"),
            ((string)crd["group"]!, (string)crd["kind"]!, (string)crd["plural"]!, (string)crd["scope"]!, (string)crd["version"]!));
        Assert.True((bool)crd["served"]! && (bool)crd["storage"]!);
    }

    [Fact]
    public void Fake_accepts_the_gateway_api_conformance_weighted_route()
    {
        Assert.Empty(FakeKubernetesApiServer.Validate(GatewayRoutes.ConformanceWeightedRoute()));
    }

    public static TheoryData<string, string> Refused => new()
    {
        { "weight -1", """{"name":"a","port":80,"weight":-1}""" },
        { "weight above 1000000", """{"name":"a","port":80,"weight":1000001}""" },
        { "no name", """{"port":80,"weight":1}""" },
        { "a Service without a port", """{"name":"a","weight":1}""" },
        { "a weight that is not an integer", """{"name":"a","port":80,"weight":"50"}""" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task Fake_refuses_a_backendRef_the_crd_refuses_with_422(string why, string backendRef)
    {
        await using var fake = await FakeKubernetesApiServer.StartAsync();
        fake.AddRoute(GatewayRoutes.ConformanceWeightedRoute());
        using var client = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = fake.Host, AccessToken = FakeKubernetesApiServer.Token });
        var route = fake.Route(GatewayRoutes.Namespace, GatewayRoutes.Name);
        route["spec"]!["rules"]![0]!["backendRefs"]!.AsArray().Add(JsonNode.Parse(backendRef));

        var e = await Assert.ThrowsAsync<HttpOperationException>(() => client.CustomObjects.ReplaceNamespacedCustomObjectAsync(
            route, "gateway.networking.k8s.io", "v1", GatewayRoutes.Namespace, "httproutes", GatewayRoutes.Name, cancellationToken: Ct));
        Assert.True((int)e.Response.StatusCode == 422, $"{why}: {e.Response.StatusCode}");
    }

    [Fact]
    public async Task Fake_refuses_more_than_16_backendRefs_and_an_update_without_resourceVersion()
    {
        await using var fake = await FakeKubernetesApiServer.StartAsync();
        fake.AddRoute(GatewayRoutes.ConformanceWeightedRoute());
        using var client = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = fake.Host, AccessToken = FakeKubernetesApiServer.Token });
        var tooMany = fake.Route(GatewayRoutes.Namespace, GatewayRoutes.Name);
        var refs = tooMany["spec"]!["rules"]![0]!["backendRefs"]!.AsArray();
        for (var i = refs.Count; i < 17; i++) refs.Add(new JsonObject { ["name"] = $"b{i}", ["port"] = 80, ["weight"] = 0 });
        var unversioned = fake.Route(GatewayRoutes.Namespace, GatewayRoutes.Name);
        unversioned["metadata"]!.AsObject().Remove("resourceVersion");

        foreach (var body in new[] { tooMany, unversioned })
        {
            var e = await Assert.ThrowsAsync<HttpOperationException>(() => client.CustomObjects.ReplaceNamespacedCustomObjectAsync(
                body, "gateway.networking.k8s.io", "v1", GatewayRoutes.Namespace, "httproutes", GatewayRoutes.Name, cancellationToken: Ct));
            Assert.Equal(422, (int)e.Response.StatusCode);
        }
    }
}
