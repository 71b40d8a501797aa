using System.Net;

namespace Shop.Faults;

/// <summary>
/// Applies the fault switches to the service's own requests (not to <c>/health</c>, <c>/admin</c> or <c>/metrics</c>,
/// so a faulty version still reports itself), and serves <c>GET</c>/<c>PUT /admin/faults</c> to loopback callers only.
/// </summary>
public static class FaultEndpoints
{
    private static readonly string[] Exempt = ["/health", "/admin", "/metrics"];

    public static WebApplication UseFaults(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            var path = context.Request.Path;
            if (Exempt.Any(p => path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase)))
            {
                await next(context);
                return;
            }
            var faults = context.RequestServices.GetRequiredService<FaultSwitches>().Settings;
            if (faults.AddedLatencyMs > 0) await Task.Delay(faults.AddedLatencyMs, context.RequestAborted);
            if (faults.ErrorRate > 0 && Random.Shared.NextDouble() < faults.ErrorRate)
            {
                context.Response.StatusCode = StatusCodes.Status500InternalServerError;
                await context.Response.WriteAsync("injected fault (Shop:Faults:ErrorRate)", context.RequestAborted);
                return;
            }
            await next(context);
        });
        return app;
    }

    public static WebApplication MapFaultAdmin(this WebApplication app)
    {
        app.MapGet("/admin/faults", (HttpContext context, FaultSwitches faults) =>
            IsLocal(context) ? Results.Ok(faults.Settings) : Results.StatusCode(StatusCodes.Status403Forbidden));
        app.MapPut("/admin/faults", (HttpContext context, FaultSettings settings, FaultSwitches faults) =>
        {
            if (!IsLocal(context)) return Results.StatusCode(StatusCodes.Status403Forbidden);
            try
            {
                faults.Settings = settings;
            }
            catch (ArgumentOutOfRangeException e)
            {
                return Results.BadRequest(e.Message);
            }
            return Results.Ok(faults.Settings);
        });
        return app;
    }

    private static bool IsLocal(HttpContext context) => context.Connection.RemoteIpAddress is { } ip && IPAddress.IsLoopback(ip);
}
