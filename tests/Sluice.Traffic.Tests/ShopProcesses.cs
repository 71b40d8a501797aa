using System.Net.Http.Json;
using Shop.Faults;
using Sluice.Traffic.Instances;
using Sluice.Traffic.Routing;

namespace Sluice.Traffic.Tests;

/// <summary>The sample service as real processes: one instance per version against one database, and the router in
/// front of the two.</summary>
internal static class ShopProcesses
{
    /// <summary>Shop.dll as built beside the tests (a referenced web application brings its runtimeconfig along).</summary>
    public static string Assembly => Path.Combine(AppContext.BaseDirectory, "Shop.dll");

    public static Task<ServiceInstance> StartAsync(string connectionString, int version, CancellationToken ct,
        IReadOnlyDictionary<string, string>? settings = null)
    {
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__Shop"] = connectionString,
            ["Shop__Version"] = version.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var (name, value) in settings ?? new Dictionary<string, string>()) environment[name] = value;
        return ServiceInstance.StartAsync(ServiceStart.DotnetApp($"shop-v{version}", Assembly) with { Environment = environment }, ct);
    }

    public static async Task SetFaultsAsync(ServiceInstance instance, FaultSettings faults, CancellationToken ct)
    {
        using var client = new HttpClient { BaseAddress = instance.Address };
        using var response = await client.PutAsJsonAsync("admin/faults", faults, ct);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Which version answered: the shop's <c>/version</c> endpoint.</summary>
    public static async Task<int> VersionAsync(HttpClient client, CancellationToken ct)
    {
        using var response = await client.GetAsync("version", ct);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<VersionReply>(ct))!.Version;
    }

    private sealed record VersionReply(int Version);
}

/// <summary>v1 and v2 of the shop on one database, the router in front (all traffic on v1 at first).</summary>
internal sealed class ShopPair : IAsyncDisposable
{
    private ShopPair(ServiceInstance v1, ServiceInstance v2, YarpTrafficRouter router)
    {
        V1 = v1;
        V2 = v2;
        Router = router;
    }

    public ServiceInstance V1 { get; }
    public ServiceInstance V2 { get; }
    public YarpTrafficRouter Router { get; }
    public Uri RouterAddress => new(Router.Address);

    public static async Task<ShopPair> StartAsync(string connectionString, CancellationToken ct, bool sticky = false,
        IReadOnlyDictionary<string, string>? v2Settings = null)
    {
        var v1 = ShopProcesses.StartAsync(connectionString, 1, ct);
        var v2 = ShopProcesses.StartAsync(connectionString, 2, ct, v2Settings);
        await Task.WhenAll(v1, v2);
        var router = await YarpTrafficRouter.StartAsync(new RouterOptions(v1.Result.Address, v2.Result.Address, sticky), ct);
        return new ShopPair(v1.Result, v2.Result, router);
    }

    public HttpClient Client(bool cookies = false) =>
        new(new SocketsHttpHandler { UseCookies = cookies }) { BaseAddress = RouterAddress, Timeout = TimeSpan.FromSeconds(30) };

    public async ValueTask DisposeAsync()
    {
        await Router.DisposeAsync();
        await V1.DisposeAsync();
        await V2.DisposeAsync();
    }
}
