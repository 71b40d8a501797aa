using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Sluice.Canary;
using Sluice.Errors;
using Sluice.Kubernetes.Gateway;

namespace Sluice.Adapters.Tests.Kubernetes;

/// <summary>
/// The Gateway API router through the official KubernetesClient against <see cref="FakeKubernetesApiServer"/>, a local
/// fake of the API server (no cluster runs here) that keeps resourceVersion semantics and the HTTPRoute CRD's schema.
/// </summary>
public sealed class GatewayApiRouterAgainstFakeApiServerTests : IAsyncLifetime
{
    private FakeKubernetesApiServer _fake = null!;

    public async ValueTask InitializeAsync()
    {
        _fake = await FakeKubernetesApiServer.StartAsync();
        _fake.AddRoute(GatewayRoutes.ConformanceWeightedRoute());
        _fake.AddService(GatewayRoutes.Namespace, GatewayRoutes.Baseline);
        _fake.AddService(GatewayRoutes.Namespace, GatewayRoutes.Canary);
    }

    public async ValueTask DisposeAsync() => await _fake.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private KubernetesClientConfiguration Connection(string? host = null) =>
        new() { Host = host ?? _fake.Host, AccessToken = FakeKubernetesApiServer.Token };

    private GatewayApiTrafficRouter Router(HttpRouteTarget? target = null, string? host = null) =>
        new(target ?? new HttpRouteTarget(GatewayRoutes.Namespace, GatewayRoutes.Name, GatewayRoutes.Baseline, GatewayRoutes.Canary), Connection(host));

    private JsonArray StoredBackends() => _fake.Route(GatewayRoutes.Namespace, GatewayRoutes.Name)["spec"]!["rules"]![0]!["backendRefs"]!.AsArray();

    [Fact]
    public async Task Fake_api_server_route_reads_as_the_split_its_weights_make()
    {
        using var router = Router();
        await router.CheckReachableAsync(Ct);
        Assert.Equal(30, (await router.CurrentAsync(Ct)).CanaryPercent);
    }

    [Fact]
    public async Task Fake_api_server_takes_weights_5_25_50_100_and_gives_them_back()
    {
        using var router = Router();
        var before = _fake.Route(GatewayRoutes.Namespace, GatewayRoutes.Name);
        foreach (var percent in new[] { 5, 25, 50, 100 })
        {
            await router.RouteAsync(new TrafficSplit(percent), Ct);
            Assert.Equal(percent, (await router.CurrentAsync(Ct)).CanaryPercent);
            var backends = StoredBackends();
            Assert.Equal(100 - percent, (int)backends[0]!["weight"]!);
            Assert.Equal(percent, (int)backends[1]!["weight"]!);
            Assert.Equal(0, (int)backends[2]!["weight"]!);
        }
        // Nothing but the weights changed: parents, ports, the third backend, the uid.
        var after = _fake.Route(GatewayRoutes.Namespace, GatewayRoutes.Name);
        Assert.True(JsonNode.DeepEquals(before["spec"]!["parentRefs"], after["spec"]!["parentRefs"]));
        Assert.Equal((string?)before["metadata"]!["uid"], (string?)after["metadata"]!["uid"]);
        Assert.Equal((long)before["metadata"]!["generation"]! + 4, (long)after["metadata"]!["generation"]!);
        // Every update carried the resourceVersion it read, and was a valid HTTPRoute by the CRD.
        var puts = _fake.Requests.Where(r => r.Method == "PUT").ToList();
        Assert.Equal(4, puts.Count);
        foreach (var put in puts)
        {
            var body = JsonNode.Parse(put.Body!)!.AsObject();
            Assert.False(string.IsNullOrEmpty((string?)body["metadata"]!["resourceVersion"]));
            Assert.Empty(FakeKubernetesApiServer.Validate(body));
        }
    }

    [Fact]
    public async Task Fake_api_server_conflict_409_is_retried_from_a_fresh_read_and_keeps_the_other_writers_change()
    {
        using var router = Router();
        using var otherWriter = new k8s.Kubernetes(Connection());
        // Another writer (a person with kubectl, a GitOps controller) labels the route between Sluice's read and write.
        _fake.BeforeUpdate = () => otherWriter.CustomObjects.PatchNamespacedCustomObjectAsync(
            new V1Patch("""{"metadata":{"labels":{"edited-by":"someone-else"}}}""", V1Patch.PatchType.MergePatch),
            "gateway.networking.k8s.io", "v1", GatewayRoutes.Namespace, "httproutes", GatewayRoutes.Name, cancellationToken: Ct);

        await router.RouteAsync(new TrafficSplit(25), Ct);

        var stored = _fake.Route(GatewayRoutes.Namespace, GatewayRoutes.Name);
        Assert.Equal("someone-else", (string?)stored["metadata"]!["labels"]!["edited-by"]);
        Assert.Equal(25, (int)StoredBackends()[1]!["weight"]!);
        Assert.Equal(2, _fake.Requests.Count(r => r.Method == "PUT"));
        Assert.Equal(2, _fake.Requests.Count(r => r.Method == "GET" && r.Path.Contains("/httproutes/", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Fake_api_server_conflicting_on_every_attempt_fails_with_SLU269_and_routes_nothing()
    {
        using var router = Router();
        using var otherWriter = new k8s.Kubernetes(Connection());
        var edits = 0;
        async Task Edit()
        {
            edits++;
            await otherWriter.CustomObjects.PatchNamespacedCustomObjectAsync(
                new V1Patch(new JsonObject { ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["edit"] = $"{edits}" } } }.ToJsonString(), V1Patch.PatchType.MergePatch),
                "gateway.networking.k8s.io", "v1", GatewayRoutes.Namespace, "httproutes", GatewayRoutes.Name, cancellationToken: Ct);
            _fake.BeforeUpdate = Edit;
        }
        _fake.BeforeUpdate = Edit;

        var e = await Assert.ThrowsAsync<SluiceException>(() => router.RouteAsync(new TrafficSplit(50), Ct));

        Assert.Equal(ErrorCodes.RouterConflict, e.Code);
        Assert.Contains(router.Address, e.Message);
        Assert.Equal(ConcurrentChangeRetry.Attempts, edits);
        Assert.Equal(30, (int)StoredBackends()[1]!["weight"]!);
    }

    [Fact]
    public async Task Fake_api_server_without_the_route_is_a_usage_error_SLU265_naming_server_and_route()
    {
        using var router = Router(new HttpRouteTarget(GatewayRoutes.Namespace, "no-such-route", GatewayRoutes.Baseline, GatewayRoutes.Canary));
        var e = await Assert.ThrowsAsync<SluiceException>(() => router.CheckReachableAsync(Ct));
        Assert.Equal((ErrorKind.Usage, ErrorCodes.RouteNotFound), (e.Kind, e.Code));
        Assert.Contains($"{_fake.Host}/apis/gateway.networking.k8s.io/v1/namespaces/{GatewayRoutes.Namespace}/httproutes/no-such-route", e.Message);
    }

    [Fact]
    public async Task Fake_api_server_route_without_the_rule_index_is_SLU265()
    {
        using var router = Router(new HttpRouteTarget(GatewayRoutes.Namespace, GatewayRoutes.Name, GatewayRoutes.Baseline, GatewayRoutes.Canary, RuleIndex: 1));
        var e = await Assert.ThrowsAsync<SluiceException>(() => router.CheckReachableAsync(Ct));
        Assert.Equal((ErrorKind.Usage, ErrorCodes.RouteNotFound), (e.Kind, e.Code));
        Assert.Contains("no rule at index 1", e.Message);
    }

    [Fact]
    public async Task Fake_api_server_rule_without_the_canary_backend_is_SLU266_naming_the_service()
    {
        using var router = Router(new HttpRouteTarget(GatewayRoutes.Namespace, GatewayRoutes.Name, GatewayRoutes.Baseline, "shop-v2"));
        var e = await Assert.ThrowsAsync<SluiceException>(() => router.CheckReachableAsync(Ct));
        Assert.Equal((ErrorKind.Usage, ErrorCodes.BackendNotRouted), (e.Kind, e.Code));
        Assert.Contains("shop-v2", e.Message);
        Assert.Contains(router.Address, e.Message);
    }

    [Fact]
    public async Task Fake_api_server_without_the_canary_service_is_SLU266_naming_the_service_address()
    {
        await using var fake = await FakeKubernetesApiServer.StartAsync();
        fake.AddRoute(GatewayRoutes.ConformanceWeightedRoute());
        fake.AddService(GatewayRoutes.Namespace, GatewayRoutes.Baseline);
        using var router = Router(host: fake.Host);
        var e = await Assert.ThrowsAsync<SluiceException>(() => router.CheckReachableAsync(Ct));
        Assert.Equal((ErrorKind.Usage, ErrorCodes.BackendNotRouted), (e.Kind, e.Code));
        Assert.Contains($"{fake.Host}/api/v1/namespaces/{GatewayRoutes.Namespace}/services/{GatewayRoutes.Canary}", e.Message);
    }

    [Fact]
    public async Task Fake_api_server_rule_sending_traffic_to_a_third_backend_is_SLU266()
    {
        using var otherWriter = new k8s.Kubernetes(Connection());
        var route = _fake.Route(GatewayRoutes.Namespace, GatewayRoutes.Name);
        route["spec"]!["rules"]![0]!["backendRefs"]![2]!["weight"] = 10;
        await otherWriter.CustomObjects.ReplaceNamespacedCustomObjectAsync(route, "gateway.networking.k8s.io", "v1", GatewayRoutes.Namespace, "httproutes", GatewayRoutes.Name, cancellationToken: Ct);
        using var router = Router();
        var e = await Assert.ThrowsAsync<SluiceException>(() => router.CheckReachableAsync(Ct));
        Assert.Equal(ErrorCodes.BackendNotRouted, e.Code);
        Assert.Contains("infra-backend-v3 (weight 10)", e.Message);
    }

    [Fact]
    public async Task Unreachable_api_server_is_a_usage_error_SLU267_naming_its_address()
    {
        var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var host = $"http://127.0.0.1:{((IPEndPoint)closed.LocalEndpoint).Port}";
        closed.Stop();
        using var router = Router(host: host);
        var e = await Assert.ThrowsAsync<SluiceException>(() => router.CheckReachableAsync(Ct));
        Assert.Equal((ErrorKind.Usage, ErrorCodes.RouterUnreachable), (e.Kind, e.Code));
        Assert.Contains(host, e.Message);
        Assert.DoesNotContain(FakeKubernetesApiServer.Token, e.ToString());
    }

    [Fact]
    public async Task Fake_api_server_refusing_the_update_is_SLU268_with_the_rbac_verbs_and_no_token_in_any_error()
    {
        _fake.Forbid("update");
        using var router = Router();
        await router.CheckReachableAsync(Ct);
        var forbidden = await Assert.ThrowsAsync<SluiceException>(() => router.RouteAsync(new TrafficSplit(5), Ct));
        Assert.Equal((ErrorKind.Failure, ErrorCodes.RouterForbidden), (forbidden.Kind, forbidden.Code));
        Assert.Contains("cannot update resource \"httproutes\"", forbidden.Message);
        Assert.Contains("get, update and patch on httproutes.gateway.networking.k8s.io", forbidden.Remedy);

        using var wrongToken = new GatewayApiTrafficRouter(new HttpRouteTarget(GatewayRoutes.Namespace, GatewayRoutes.Name, GatewayRoutes.Baseline, GatewayRoutes.Canary),
            new KubernetesClientConfiguration { Host = _fake.Host, AccessToken = "wrong-token-0d9e8f" });
        var unauthorized = await Assert.ThrowsAsync<SluiceException>(() => wrongToken.CheckReachableAsync(Ct));
        Assert.Equal(ErrorCodes.RouterForbidden, unauthorized.Code);

        foreach (var e in new[] { forbidden, unauthorized })
        {
            Assert.DoesNotContain(FakeKubernetesApiServer.Token, e.ToString());
            Assert.DoesNotContain("wrong-token-0d9e8f", e.ToString());
        }
        Assert.DoesNotContain(FakeKubernetesApiServer.Token, router.Address);
    }
}
