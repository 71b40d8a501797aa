using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Sluice.Canary;
using Sluice.Errors;
using Sluice.Traffic.Metrics;

namespace Sluice.Traffic.Routing;

/// <summary>
/// The router's admin endpoint, under <see cref="Prefix"/> at the router's own address (never proxied, never counted): what a
/// canary run in stages by separate processes needs from a router it did not start. The weights live here, in the
/// router process, so they outlast every stage; a stage reads and sets them, and reads the requests per version.
/// <list type="bullet">
/// <item><c>GET split</c>, <c>PUT split</c> (<c>{"canary_percent": n}</c>): the current weights;</item>
/// <item><c>GET requests?version=canary&amp;from=T&amp;to=T</c> (UTC ticks): one version's counts and latencies in a window;</item>
/// <item><c>GET check</c>: both versions ready (200), or 503 with the message naming the address that is not;</item>
/// <item><c>POST stop</c>: the router process (<see cref="LocalRouterProcess"/>) stops taking requests, finishes those
/// in flight and exits (202).</item>
/// </list>
/// </summary>
internal static class RouterAdmin
{
    public const string Prefix = "/_sluice/router/";

    public static void Map(WebApplication app, Func<YarpTrafficRouter> started)
    {
        app.MapGet(Prefix + "split", async (CancellationToken ct) => Results.Json(new SplitBody((await started().CurrentAsync(ct)).CanaryPercent)));
        app.MapPut(Prefix + "split", async (SplitBody body, CancellationToken ct) =>
        {
            if (body.CanaryPercent is < 0 or > 100) return Results.BadRequest($"canary_percent {body.CanaryPercent} is outside 0-100");
            await started().RouteAsync(new TrafficSplit(body.CanaryPercent), ct);
            return Results.NoContent();
        });
        app.MapGet(Prefix + "requests", (string version, long from, long to) =>
        {
            var counts = started().Log.Read(version == "canary" ? ServiceVersion.Canary : ServiceVersion.Baseline,
                new MetricWindow(new DateTimeOffset(from, TimeSpan.Zero), new DateTimeOffset(to, TimeSpan.Zero)));
            return Results.Json(counts);
        });
        app.MapGet(Prefix + "check", async (CancellationToken ct) =>
        {
            try
            {
                await started().CheckReachableAsync(ct);
                return Results.Ok();
            }
            catch (SluiceException e)
            {
                return Results.Text(e.Message, statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        });
        app.MapPost(Prefix + "stop", () =>
        {
            started().RequestStop();
            return Results.Accepted();
        });
    }

    public static string RequestsQuery(ServiceVersion version, MetricWindow window) => string.Create(CultureInfo.InvariantCulture,
        $"{Prefix}requests?version={(version == ServiceVersion.Canary ? "canary" : "baseline")}&from={window.Start.UtcTicks}&to={window.End.UtcTicks}");
}

/// <summary>The weights as the admin endpoint carries them.</summary>
internal sealed record SplitBody([property: System.Text.Json.Serialization.JsonPropertyName("canary_percent")] int CanaryPercent);
