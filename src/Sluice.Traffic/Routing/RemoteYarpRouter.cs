using System.Net.Http.Json;
using Sluice.Canary;
using Sluice.Errors;
using Sluice.Traffic.Metrics;

namespace Sluice.Traffic.Routing;

/// <summary>
/// The local YARP router run as a process of its own, driven through its admin endpoint (<see cref="RouterAdmin"/>):
/// the weights stay in that process between the stages of a canary (<c>Canary --canary-stage S</c>), each run by a
/// separate process, and its per-version requests feed <see cref="RouterMetricSource"/>. Every failure to reach it,
/// or an answer it should not give, is SLU191 naming its address; for a metric read it is a
/// <see cref="MetricSourceException"/>, so it counts towards <c>consecutive_error_limit</c>, never as a pass.
/// </summary>
public sealed class RemoteYarpRouter : ITrafficRouter, IRouterRequests, IDisposable
{
    private readonly HttpClient _http;

    /// <param name="address">The router's address, e.g. <c>http://127.0.0.1:5000</c> (the admin endpoint lives under it).</param>
    public RemoteYarpRouter(Uri address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (!Loopback.Is(address))
            throw SluiceException.Usage(ErrorCodes.RemoteDestination, $"the router's admin address {address} is not on this machine",
                "run the local router on 127.0.0.1; production routers are the Kubernetes and Azure ones");
        _http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(15) };
    }

    public string Address => _http.BaseAddress!.ToString().TrimEnd('/');

    public async Task CheckReachableAsync(CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, RouterAdmin.Prefix + "check"), cancellationToken);
        if (!response.IsSuccessStatusCode)
            throw SluiceException.Usage(ErrorCodes.LocalRouterUnreachable, await response.Content.ReadAsStringAsync(cancellationToken),
                "start both versions and the router before the canary, and check the addresses in the canary definition");
    }

    public async Task RouteAsync(TrafficSplit split, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(split);
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Put, RouterAdmin.Prefix + "split")
        {
            Content = JsonContent.Create(new SplitBody(split.CanaryPercent)),
        }, cancellationToken);
        Require(response);
    }

    public async Task<TrafficSplit> CurrentAsync(CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, RouterAdmin.Prefix + "split"), cancellationToken);
        Require(response);
        var body = await response.Content.ReadFromJsonAsync<SplitBody>(cancellationToken) ?? throw Unreadable("an empty split");
        return new TrafficSplit(body.CanaryPercent);
    }

    async Task<WindowCounts> IRouterRequests.ReadAsync(ServiceVersion version, MetricWindow window, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, RouterAdmin.RequestsQuery(version, window)), cancellationToken);
            Require(response);
            return await response.Content.ReadFromJsonAsync<WindowCounts>(System.Text.Json.JsonSerializerOptions.Web, cancellationToken)
                ?? throw Unreadable("empty counts");
        }
        catch (SluiceException e)
        {
            throw new MetricSourceException("router", e.Message, e);
        }
    }

    public void Dispose() => _http.Dispose();

    /// <summary>Sends once; a router that cannot be reached is SLU191 naming it.</summary>
    private async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> request, CancellationToken cancellationToken)
    {
        using var message = request();
        try
        {
            return await _http.SendAsync(message, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw Unreachable($"the router cannot be reached: {e.Message}", e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw Unreachable($"the router did not answer within {_http.Timeout.TotalSeconds:0} s", e);
        }
    }

    private void Require(HttpResponseMessage response)
    {
        if (!response.IsSuccessStatusCode) throw Unreadable($"{(int)response.StatusCode} {response.ReasonPhrase}");
    }

    private SluiceException Unreadable(string what) => Unreachable($"the router's admin endpoint answered {what}", null);

    private SluiceException Unreachable(string what, Exception? inner) =>
        SluiceException.Usage(ErrorCodes.RouterAdminUnreachable, $"{what} ({Address})",
            "start the router process before the canary's stages (canary.router.admin names it) and keep it running until finish", inner: inner);
}
