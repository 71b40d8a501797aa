using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;
using Sluice.Traffic.Routing;

namespace Sluice.Traffic.Metrics;

/// <summary>The router's own measurement, the first step of its proxy pipeline: the time from the request's arrival to
/// the end of the answer, and which version it went to. A request the router could not forward (the version is down)
/// counts as a failure of that version and has no latency: it measured the router, not the service.</summary>
internal static class RecordRequests
{
    public static async Task InvokeAsync(HttpContext context, Func<Task> next, RequestLog log, TimeProvider time)
    {
        var arrived = time.GetUtcNow();
        var started = Stopwatch.GetTimestamp();
        try
        {
            await next();
        }
        finally
        {
            var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            var destination = context.Features.Get<IReverseProxyFeature>()?.ProxiedDestination?.DestinationId;
            if (Destinations.VersionOf(destination) is { } version)
            {
                var notForwarded = context.Features.Get<IForwarderErrorFeature>() is { Error: not ForwarderError.None };
                var failed = notForwarded || context.Response.StatusCode >= 500;
                log.Record(version, arrived, elapsed, failed, answered: !notForwarded);
            }
        }
    }
}
