using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.ResourceManager;
using Sluice.Azure.Traffic;
using Sluice.Canary;
using Sluice.Errors;

namespace Sluice.Adapters.Tests.Azure;

/// <summary>
/// The App Service slot router through the official Azure.ResourceManager pipeline against <see cref="FakeArm"/>, a
/// local fake of Azure Resource Manager (Azure cannot run here) checked against the App Service REST API excerpt.
/// </summary>
public sealed class AppServiceSlotRouterAgainstFakeArmTests : IAsyncLifetime
{
    private const string Subscription = "00000000-1111-2222-3333-444444444444";
    private const string Group = "shop-rg";
    private const string Site = "shop";
    private const string Slot = "staging";

    private FakeArm _arm = null!;

    public async ValueTask InitializeAsync()
    {
        _arm = await FakeArm.StartAsync();
        // Another slot's rule at 0 %, as the portal leaves it: the router must keep it.
        _arm.AddSite(Subscription, Group, Site, new JsonObject
        {
            ["alwaysOn"] = true,
            ["experiments"] = new JsonObject { ["rampUpRules"] = new JsonArray(new JsonObject { ["actionHostName"] = "shop-qa.azurewebsites.net", ["reroutePercentage"] = 0, ["name"] = "qa" }) },
        });
        _arm.AddSlot(Subscription, Group, Site, Slot);
    }

    public async ValueTask DisposeAsync() => await _arm.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ArmClientOptions Options(Uri? endpoint = null)
    {
        var options = new ArmClientOptions
        {
            Environment = new ArmEnvironment(endpoint ?? _arm.Address, "https://management.azure.com/"),
            Transport = new HttpClientTransport(_arm.Server.TrustsOnlyThisServer()),
        };
        options.Retry.MaxRetries = 1;
        options.Retry.Delay = TimeSpan.FromMilliseconds(10);
        return options;
    }

    private AppServiceSlotTrafficRouter Router(string site = Site, string slot = Slot, TokenCredential? credential = null, Uri? endpoint = null) =>
        new(new AppServiceSlotTarget(Subscription, Group, site, slot), credential ?? new FixedTokenCredential(FakeArm.Token), Options(endpoint));

    private JsonArray StoredRules() => _arm.SiteConfig(Subscription, Group, Site)["experiments"]!["rampUpRules"]!.AsArray();

    [Fact]
    public async Task Fake_arm_takes_weights_5_25_50_100_and_gives_them_back()
    {
        var credential = new FixedTokenCredential(FakeArm.Token);
        var router = Router(credential: credential);
        await router.CheckReachableAsync(Ct);
        Assert.Equal(0, (await router.CurrentAsync(Ct)).CanaryPercent);
        foreach (var percent in new[] { 5, 25, 50, 100 })
        {
            await router.RouteAsync(new TrafficSplit(percent), Ct);
            Assert.Equal(percent, (await router.CurrentAsync(Ct)).CanaryPercent);
            var mine = StoredRules().Single(r => (string?)r!["name"] == Slot)!;
            Assert.Equal("shop-staging.azurewebsites.net", (string?)mine["actionHostName"]);
            Assert.Equal(percent, (double)mine["reroutePercentage"]!);
        }
        await router.RouteAsync(TrafficSplit.AllBaseline, Ct);
        Assert.Equal(0, (await router.CurrentAsync(Ct)).CanaryPercent);
        Assert.DoesNotContain(StoredRules(), r => (string?)r!["name"] == Slot);

        // The qa slot's rule and the rest of the configuration are as they were.
        Assert.Equal("qa", (string?)StoredRules().Single()!["name"]);
        Assert.True((bool)_arm.SiteConfig(Subscription, Group, Site)["alwaysOn"]!);
        // Every request named the spec's api-version, every write was a PATCH of a valid SiteConfigResource, and the token was ARM's.
        Assert.All(_arm.Requests, r => Assert.Contains($"api-version={FakeArm.ApiVersion}", r.Query));
        var writes = _arm.Requests.Where(r => r.Method != "GET").ToList();
        Assert.Equal(5, writes.Count);
        Assert.All(writes, w => Assert.Equal("PATCH", w.Method));
        Assert.All(writes, w => Assert.Empty(FakeArm.ValidateSiteConfigResource(JsonNode.Parse(w.Body!)!)));
        Assert.All(credential.Scopes, s => Assert.Equal("https://management.azure.com//.default", s));
    }

    [Fact]
    public async Task Fake_arm_conflict_409_is_retried_from_a_fresh_read_and_keeps_the_other_change()
    {
        var router = Router();
        var answered = 0;
        _arm.BeforeWrite = () =>
        {
            if (answered++ > 0) return false;
            // Another operation on the site (someone setting the qa slot to 10 % and back to 0) runs meanwhile.
            _arm.ChangeSiteConfig(Subscription, Group, Site, c => c["experiments"]!["rampUpRules"]!.AsArray()
                .Add(new JsonObject { ["actionHostName"] = "shop-perf.azurewebsites.net", ["reroutePercentage"] = 0, ["name"] = "perf" }));
            return true;
        };

        await router.RouteAsync(new TrafficSplit(25), Ct);

        Assert.Equal(2, _arm.Requests.Count(r => r.Method == "PATCH"));
        Assert.Equal(["qa", "perf", Slot], StoredRules().Select(r => (string?)r!["name"]));
        Assert.Equal(25, (await router.CurrentAsync(Ct)).CanaryPercent);
    }

    [Fact]
    public async Task Fake_arm_busy_on_every_attempt_fails_with_SLU269_and_routes_nothing()
    {
        var router = Router();
        _arm.BeforeWrite = () => true;
        var e = await Assert.ThrowsAsync<SluiceException>(() => router.RouteAsync(new TrafficSplit(50), Ct));
        Assert.Equal(ErrorCodes.RouterConflict, e.Code);
        Assert.Equal(ConcurrentChangeRetry.Attempts, _arm.Requests.Count(r => r.Method == "PATCH"));
        Assert.Equal(0, (await router.CurrentAsync(Ct)).CanaryPercent);
    }

    [Fact]
    public async Task Fake_arm_without_the_site_is_a_usage_error_SLU271_naming_endpoint_and_resource()
    {
        var router = Router(site: "no-such-site");
        var e = await Assert.ThrowsAsync<SluiceException>(() => router.CheckReachableAsync(Ct));
        Assert.Equal((ErrorKind.Usage, ErrorCodes.SiteNotFound), (e.Kind, e.Code));
        Assert.Contains($"{_arm.Address.GetLeftPart(UriPartial.Authority)}/subscriptions/{Subscription}/resourceGroups/{Group}/providers/Microsoft.Web/sites/no-such-site/config/web", e.Message);
    }

    [Fact]
    public async Task Fake_arm_without_the_slot_is_a_usage_error_SLU272_naming_the_slot()
    {
        var router = Router(slot: "canary");
        var e = await Assert.ThrowsAsync<SluiceException>(() => router.CheckReachableAsync(Ct));
        Assert.Equal((ErrorKind.Usage, ErrorCodes.SlotNotFound), (e.Kind, e.Code));
        Assert.Contains("/providers/Microsoft.Web/sites/shop/slots/canary", e.Message);
    }

    [Fact]
    public async Task Fake_arm_production_slot_routing_to_another_slot_is_SLU266()
    {
        _arm.ChangeSiteConfig(Subscription, Group, Site, c => c["experiments"]!["rampUpRules"]![0]!["reroutePercentage"] = 10);
        var e = await Assert.ThrowsAsync<SluiceException>(() => Router().CheckReachableAsync(Ct));
        Assert.Equal((ErrorKind.Usage, ErrorCodes.BackendNotRouted), (e.Kind, e.Code));
        Assert.Contains("10 % of its traffic to qa", e.Message);
    }

    [Fact]
    public async Task Unreachable_arm_is_a_usage_error_SLU267_naming_its_address()
    {
        var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var endpoint = new Uri($"https://127.0.0.1:{((IPEndPoint)closed.LocalEndpoint).Port}");
        closed.Stop();
        var e = await Assert.ThrowsAsync<SluiceException>(() => Router(endpoint: endpoint).CheckReachableAsync(Ct));
        Assert.Equal((ErrorKind.Usage, ErrorCodes.RouterUnreachable), (e.Kind, e.Code));
        Assert.Contains(endpoint.GetLeftPart(UriPartial.Authority), e.Message);
        Assert.DoesNotContain(FakeArm.Token, e.ToString());
    }

    [Fact]
    public async Task Fake_arm_refusing_is_SLU268_with_the_role_and_no_token_in_any_error()
    {
        _arm.Forbid("PATCH");
        var router = Router();
        await router.CheckReachableAsync(Ct);
        var forbidden = await Assert.ThrowsAsync<SluiceException>(() => router.RouteAsync(new TrafficSplit(5), Ct));
        Assert.Equal((ErrorKind.Failure, ErrorCodes.RouterForbidden), (forbidden.Kind, forbidden.Code));
        Assert.Contains("AuthorizationFailed", forbidden.Message);
        Assert.Contains("Microsoft.Web/sites/config/write", forbidden.Remedy);

        var unauthorized = await Assert.ThrowsAsync<SluiceException>(() => Router(credential: new FixedTokenCredential("wrong-token-5e6f7a")).CheckReachableAsync(Ct));
        Assert.Equal((ErrorKind.Usage, ErrorCodes.RouterForbidden), (unauthorized.Kind, unauthorized.Code));

        foreach (var e in new[] { forbidden, unauthorized })
        {
            Assert.DoesNotContain(FakeArm.Token, e.ToString());
            Assert.DoesNotContain("wrong-token-5e6f7a", e.ToString());
        }
        Assert.DoesNotContain(FakeArm.Token, router.Address);
    }
}
