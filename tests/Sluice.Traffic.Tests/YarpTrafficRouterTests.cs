using Shop.Faults;
using Sluice.Canary;
using Sluice.Errors;
using Sluice.Testing.Postgres;
using Sluice.Traffic.Load;
using Sluice.Traffic.Metrics;
using Sluice.Traffic.Routing;

namespace Sluice.Traffic.Tests;

/// <summary>
/// The local router in front of two real shop processes on a real database, row by row of
/// <see cref="YarpTrafficRouter"/>'s rules (1: a version at 0 gets nothing, blue/green; 2: sticky users stay;
/// 3: otherwise by weight), plus what it must never do: drop a request in flight, route off this machine, or hide a
/// dead version.
/// </summary>
public sealed class YarpTrafficRouterTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Rule3_weights_shift_under_load_and_the_observed_split_matches_them()
    {
        await using var database = await Shop.Tests.PhaseStates.CreateAsync(postgres, 0, Ct);
        await using var pair = await ShopPair.StartAsync(database.ConnectionString, Ct);
        var metrics = new RouterMetricSource(pair.Router);
        foreach (var weight in new[] { 10, 50, 90 })
        {
            await pair.Router.RouteAsync(new TrafficSplit(weight), Ct);
            Assert.Equal(weight, (await pair.Router.CurrentAsync(Ct)).CanaryPercent);
            var start = DateTimeOffset.UtcNow;
            var report = await new LoadGenerator(new LoadOptions(pair.RouterAddress, 100, TimeSpan.FromSeconds(3))).RunAsync(Ct);
            var (baseline, canary) = await Observed.ReadAsync(metrics, new MetricWindow(start, DateTimeOffset.UtcNow), Ct);

            // The router's counts are the load generator's: every request seen once, on one version.
            Assert.Equal(300, report.Sent);
            Assert.Equal(report.Sent, baseline.Requests + canary.Requests);
            Assert.Equal(0, report.Failed);
            Assert.Equal(0.0, baseline.ErrorRate);
            Assert.Equal(0.0, canary.ErrorRate);
            var share = 100.0 * canary.Requests / report.Sent;
            // 300 requests: one binomial standard deviation is at most 2.9 points; 10 points is about 3.5 of them.
            Assert.InRange(share, weight - 10, weight + 10);
            Assert.Equal(canary.Requests, canary.Answered);
            Assert.True(canary.P95 > 0);
        }
    }

    [Fact]
    public async Task Requests_in_flight_finish_where_they_started_when_the_weights_change()
    {
        await using var database = await Shop.Tests.PhaseStates.CreateAsync(postgres, 0, Ct);
        await using var pair = await ShopPair.StartAsync(database.ConnectionString, Ct);
        await ShopProcesses.SetFaultsAsync(pair.V1, new FaultSettings(AddedLatencyMs: 1_500), Ct);
        using var client = pair.Client();
        var start = DateTimeOffset.UtcNow;
        var slow = Enumerable.Range(0, 20).Select(_ => ShopProcesses.VersionAsync(client, Ct)).ToArray();
        await Task.Delay(500, Ct); // all twenty are now waiting inside v1

        await pair.Router.RouteAsync(TrafficSplit.AllCanary, Ct);
        Assert.Equal(2, await ShopProcesses.VersionAsync(client, Ct)); // a new request goes to v2 while v1 still holds the twenty

        Assert.All(await Task.WhenAll(slow), version => Assert.Equal(1, version));
        var (baseline, canary) = await Observed.ReadAsync(new RouterMetricSource(pair.Router), new MetricWindow(start, DateTimeOffset.UtcNow), Ct);
        Assert.Equal((20, 0.0), (baseline.Requests, baseline.ErrorRate));
        Assert.Equal((1, 0.0), (canary.Requests, canary.ErrorRate));
        Assert.All(baseline.Samples, ms => Assert.True(ms >= 1_500, $"{ms} ms"));
    }

    [Fact]
    public async Task Rule2_a_sticky_cookie_keeps_each_user_on_one_version()
    {
        await using var database = await Shop.Tests.PhaseStates.CreateAsync(postgres, 0, Ct);
        await using var pair = await ShopPair.StartAsync(database.ConnectionString, Ct, sticky: true);
        await pair.Router.RouteAsync(new TrafficSplit(50), Ct);
        var seen = new List<HashSet<int>>();
        for (var user = 0; user < 16; user++)
        {
            using var client = pair.Client(cookies: true);
            var versions = new HashSet<int>();
            for (var i = 0; i < 10; i++) versions.Add(await ShopProcesses.VersionAsync(client, Ct));
            seen.Add(versions);
        }
        Assert.All(seen, versions => Assert.Single(versions));
        // Sixteen users at 50/50 all on one side would happen once in 32,768 runs: both versions serve someone.
        Assert.Equal([1, 2], seen.Select(v => v.Single()).Distinct().Order());

        // Without the cookie the same client flips between versions.
        using var forgetful = pair.Client(cookies: false);
        var flips = new HashSet<int>();
        for (var i = 0; i < 30; i++) flips.Add(await ShopProcesses.VersionAsync(forgetful, Ct));
        Assert.Equal(2, flips.Count);
    }

    [Fact]
    public async Task Rule1_blue_green_switches_at_once_and_back_with_the_old_version_kept_warm()
    {
        await using var database = await Shop.Tests.PhaseStates.CreateAsync(postgres, 0, Ct);
        await using var pair = await ShopPair.StartAsync(database.ConnectionString, Ct, sticky: true);
        using var user = pair.Client(cookies: true);
        async Task<int[]> TenAsync()
        {
            var versions = new int[10];
            for (var i = 0; i < versions.Length; i++) versions[i] = await ShopProcesses.VersionAsync(user, Ct);
            return versions;
        }

        Assert.All(await TenAsync(), v => Assert.Equal(1, v)); // the user now holds a cookie for v1
        await pair.Router.RouteAsync(TrafficSplit.AllCanary, Ct);
        Assert.All(await TenAsync(), v => Assert.Equal(2, v)); // the switch overrides the cookie at once

        // The old version is still running and ready: switching back needs no start-up.
        using (var direct = new HttpClient { BaseAddress = pair.V1.Address })
            Assert.True((await direct.GetAsync("health/ready", Ct)).IsSuccessStatusCode);
        await pair.Router.RouteAsync(TrafficSplit.AllBaseline, Ct);
        Assert.All(await TenAsync(), v => Assert.Equal(1, v));
    }

    [Fact]
    public async Task A_killed_canary_shows_in_the_router_counts_as_failures()
    {
        await using var database = await Shop.Tests.PhaseStates.CreateAsync(postgres, 0, Ct);
        await using var pair = await ShopPair.StartAsync(database.ConnectionString, Ct);
        var metrics = new RouterMetricSource(pair.Router);
        await pair.Router.RouteAsync(new TrafficSplit(50), Ct);
        var load = new LoadGenerator(new LoadOptions(pair.RouterAddress, 50, TimeSpan.FromSeconds(2)));

        var before = DateTimeOffset.UtcNow;
        await load.RunAsync(Ct);
        var (healthyBaseline, healthyCanary) = await Observed.ReadAsync(metrics, new MetricWindow(before, DateTimeOffset.UtcNow), Ct);
        Assert.Equal((0.0, 0.0), (healthyBaseline.ErrorRate, healthyCanary.ErrorRate));

        pair.V2.Kill();
        var after = DateTimeOffset.UtcNow;
        var report = await load.RunAsync(Ct);
        var (baseline, canary) = await Observed.ReadAsync(metrics, new MetricWindow(after, DateTimeOffset.UtcNow), Ct);
        Assert.True(canary.Requests > 0);
        Assert.Equal(1.0, canary.ErrorRate); // every request routed to the dead canary failed...
        Assert.Equal(0, canary.Answered);    // ...without an answer from it, so no latency is made up
        Assert.Equal(0.0, baseline.ErrorRate);
        Assert.Equal(report.Failed, canary.Requests);

        var error = await Assert.ThrowsAsync<SluiceException>(() => pair.Router.CheckReachableAsync(Ct));
        Assert.Equal((ErrorCodes.LocalRouterUnreachable, ErrorKind.Usage), (error.Code, error.Kind));
        Assert.Contains(pair.V2.Address.Authority, error.Message);
    }

    [Fact]
    public async Task The_check_passes_with_both_versions_ready_and_fails_naming_a_stopped_router()
    {
        await using var database = await Shop.Tests.PhaseStates.CreateAsync(postgres, 0, Ct);
        var pair = await ShopPair.StartAsync(database.ConnectionString, Ct);
        await pair.Router.CheckReachableAsync(Ct);
        var metrics = new RouterMetricSource(pair.Router);
        var (baseline, canary) = await Observed.ReadAsync(metrics, new MetricWindow(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow), Ct);
        // No traffic: no figures at all, never a zero error rate that could read as a pass.
        Assert.Equal((0L, (double?)null, (double?)null), (canary.Requests, canary.ErrorRate, canary.P95));
        Assert.Equal((0L, (double?)null), (baseline.Requests, baseline.ErrorRate));

        await pair.DisposeAsync();
        var error = await Assert.ThrowsAsync<SluiceException>(() => pair.Router.CheckReachableAsync(Ct));
        Assert.Equal(ErrorCodes.LocalRouterUnreachable, error.Code);
        Assert.Contains(pair.Router.Address, error.Message);
        var stopped = await Assert.ThrowsAsync<MetricSourceException>(() => metrics.ObserveAsync(new MetricWindow(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow), Ct));
        Assert.Contains(pair.Router.Address, stopped.Message);
    }

    [Theory]
    [InlineData("http://10.1.2.3:8080")]
    [InlineData("http://192.168.0.10")]
    [InlineData("http://shop.example.com")]
    public async Task A_destination_off_this_machine_is_refused_unless_allowed(string address)
    {
        var local = new Uri("http://127.0.0.1:9");
        var error = await Assert.ThrowsAsync<SluiceException>(() => YarpTrafficRouter.StartAsync(new RouterOptions(local, new Uri(address)), Ct));
        Assert.Equal((ErrorCodes.RemoteDestination, ErrorKind.Usage), (error.Code, error.Kind));
        Assert.Contains(new Uri(address).ToString(), error.Message);

        // Allowed explicitly, it starts (and sends nothing until a request arrives).
        await using var router = await YarpTrafficRouter.StartAsync(new RouterOptions(local, new Uri(address), AllowRemoteDestinations: true), Ct);
        Assert.StartsWith("http://127.0.0.1:", router.Address);
    }
}
