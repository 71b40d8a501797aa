using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sluice.Canary;
using Sluice.Errors;
using Sluice.Traffic.Metrics;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.LoadBalancing;
using Yarp.ReverseProxy.Model;

namespace Sluice.Traffic.Routing;

/// <summary>
/// The local traffic router: a YARP reverse proxy hosted in this process on 127.0.0.1 in front of two running versions
/// of a service. Every new request is routed by the current <see cref="TrafficSplit"/>; changing it is one reference
/// swap read when a destination is picked, so requests in flight finish where they started and none is dropped.
/// <list type="number">
/// <item>A version whose weight is 0 receives no new request, sticky or not: blue/green is a switch from 0 to 100 and
/// back, and the version switched away from keeps running (warm) for the rollback window.</item>
/// <item>With sticky sessions, a user who holds the affinity cookie stays on that version while its weight is above
/// 0; a user without one (or whose version went to 0) is routed by weight and gets the cookie.</item>
/// <item>Otherwise each request is routed by weight alone (a canary at 5 % gets about 1 request in 20).</item>
/// </list>
/// What it forwarded is remembered per version for <see cref="RouterMetricSource"/>. The weights and those requests
/// are also served at its admin endpoint (<see cref="RouterAdmin"/>), so a router started as a process of its own
/// keeps them for a canary run in stages by other processes (<see cref="RemoteYarpRouter"/>).
/// </summary>
public sealed class YarpTrafficRouter : ITrafficRouter, IRouterRequests, IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly CurrentSplit _split;
    private readonly RouterOptions _options;
    private readonly HttpClient _probe = new() { Timeout = TimeSpan.FromSeconds(15) };
    private readonly CancellationTokenSource _stopRequest = new();
    private bool _stopped;

    private YarpTrafficRouter(WebApplication app, CurrentSplit split, RouterOptions options, RequestLog log, string address)
    {
        _app = app;
        _split = split;
        _options = options;
        Log = log;
        Address = address;
    }

    /// <summary>The address the router listens on, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public string Address { get; }

    internal RequestLog Log { get; }

    internal bool Stopped => _stopped;

    /// <summary>Cancelled when the admin endpoint is asked to stop (<c>Router --router stop</c>); the router process
    /// waits on it, then drains and exits. A router hosted in another program ignores it.</summary>
    internal CancellationToken StopRequested => _stopRequest.Token;

    internal void RequestStop() => _stopRequest.Cancel();

    /// <summary>Starts the proxy with all traffic on the baseline; refuses (SLU176) a destination off this machine
    /// unless <see cref="RouterOptions.AllowRemoteDestinations"/>.</summary>
    public static async Task<YarpTrafficRouter> StartAsync(RouterOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var (name, address) in new[] { ("baseline", options.Baseline), ("canary", options.Canary) })
        {
            if (!address.IsAbsoluteUri || address.Scheme is not ("http" or "https"))
                throw SluiceException.Usage(ErrorCodes.RemoteDestination, $"the router's {name} address {address} is not an http(s) address",
                    "give each version's base address, e.g. http://127.0.0.1:5001");
            if (!options.AllowRemoteDestinations && !Loopback.Is(address))
                throw SluiceException.Usage(ErrorCodes.RemoteDestination,
                    $"the router's {name} address {address} is not on this machine: the local router sends traffic to loopback addresses only",
                    "run both versions on 127.0.0.1, or allow remote destinations explicitly (RouterOptions.AllowRemoteDestinations)");
        }

        var split = new CurrentSplit(TrafficSplit.AllBaseline);
        var log = new RequestLog(options.RequestsRemembered);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(IPAddress.Loopback, options.Port);
        });
        builder.Services.AddSingleton(split);
        builder.Services.AddSingleton<ILoadBalancingPolicy, WeightedPolicy>();
        var reverseProxy = builder.Services.AddReverseProxy().LoadFromMemory([Route()], [Cluster(options)]);
        if (!options.Hop.ActivityHeaders) reverseProxy.ConfigureHttpClient((_, handler) => handler.ActivityHeadersPropagator = null);
        var app = builder.Build();
        YarpTrafficRouter? started = null;
        RouterAdmin.Map(app, () => started!);
        app.MapReverseProxy(proxy =>
        {
            if (options.Hop.RecordRequests) proxy.Use((context, next) => RecordRequests.InvokeAsync(context, next, log, TimeProvider.System));
            proxy.Use((context, next) => DropUnweighted(context, next, split));
            proxy.UseSessionAffinity();
            proxy.UseLoadBalancing();
        });
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (IOException e)
        {
            await app.DisposeAsync();
            throw SluiceException.Usage(ErrorCodes.RouterCannotListen, $"the router cannot listen on 127.0.0.1:{options.Port}: {e.Message}",
                "free the port, or give 'canary.router.port' another one (0 takes any free port)", inner: e);
        }
        var bound = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return started = new YarpTrafficRouter(app, split, options, log, bound.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
    }

    /// <summary>Connects to the router's port (no request, so nothing is counted) and asks each version's ready path;
    /// the first that does not answer fails with SLU175 naming its address.</summary>
    public async Task CheckReachableAsync(CancellationToken cancellationToken)
    {
        if (_stopped) throw Unreachable(Address, "the router was stopped", null);
        var router = new Uri(Address);
        try
        {
            using var connection = new System.Net.Sockets.TcpClient();
            await connection.ConnectAsync(router.Host, router.Port, cancellationToken);
        }
        catch (System.Net.Sockets.SocketException e)
        {
            throw Unreachable(Address, $"the router cannot be reached: {e.Message}", e);
        }
        foreach (var (name, address) in new[] { ("baseline", _options.Baseline), ("canary", _options.Canary) })
        {
            var url = new Uri(address, _options.ReadyPath);
            try
            {
                using var response = await _probe.GetAsync(url, cancellationToken);
                if (!response.IsSuccessStatusCode)
                    throw Unreachable(url.ToString(), $"the {name} version answered {(int)response.StatusCode} {response.ReasonPhrase}", null);
            }
            catch (HttpRequestException e)
            {
                throw Unreachable(url.ToString(), $"the {name} version cannot be reached: {e.Message}", e);
            }
            catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                throw Unreachable(url.ToString(), $"the {name} version did not answer within {_probe.Timeout.TotalSeconds:0} s", e);
            }
        }
    }

    public Task RouteAsync(TrafficSplit split, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(split);
        if (_stopped) throw Unreachable(Address, "the router was stopped", null);
        _split.Value = split;
        return Task.CompletedTask;
    }

    public Task<TrafficSplit> CurrentAsync(CancellationToken cancellationToken) => Task.FromResult(_split.Value);

    Task<WindowCounts> IRouterRequests.ReadAsync(ServiceVersion version, MetricWindow window, CancellationToken cancellationToken) =>
        _stopped
            ? throw new MetricSourceException("router", $"the router at {Address} was stopped")
            : Task.FromResult(Log.Read(version, window));

    public async ValueTask DisposeAsync()
    {
        if (_stopped) return;
        _stopped = true;
        _probe.Dispose();
        _stopRequest.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static SluiceException Unreachable(string address, string what, Exception? inner) =>
        SluiceException.Usage(ErrorCodes.LocalRouterUnreachable, $"{what} ({address})",
            "start both versions and the router before the canary, and check the addresses in the canary definition", inner: inner);

    private static Task DropUnweighted(HttpContext context, Func<Task> next, CurrentSplit split)
    {
        if (split.Value.CanaryPercent is > 0 and < 100) return next(); // both versions take traffic: nothing to drop
        var proxy = context.Features.GetRequiredFeature<IReverseProxyFeature>();
        var weighted = proxy.AvailableDestinations.Where(d => Destinations.VersionOf(d.DestinationId) is not { } v || split.PercentOf(v) > 0).ToList();
        if (weighted.Count != proxy.AvailableDestinations.Count) proxy.AvailableDestinations = weighted;
        return next();
    }

    private static RouteConfig Route() => new()
    {
        RouteId = "all",
        ClusterId = Destinations.Cluster,
        Match = new RouteMatch { Path = "{**path}" },
    };

    private static ClusterConfig Cluster(RouterOptions options) => new()
    {
        ClusterId = Destinations.Cluster,
        LoadBalancingPolicy = WeightedPolicy.PolicyName,
        SessionAffinity = options.StickySessions
            ? new SessionAffinityConfig { Enabled = true, Policy = "Cookie", FailurePolicy = "Redistribute", AffinityKeyName = options.CookieName }
            : null,
        Destinations = new Dictionary<string, DestinationConfig>
        {
            [Destinations.Baseline] = new() { Address = options.Baseline.ToString() },
            [Destinations.Canary] = new() { Address = options.Canary.ToString() },
        },
    };
}
