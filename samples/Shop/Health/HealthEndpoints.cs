using Npgsql;

namespace Shop.Health;

/// <summary><c>/health/live</c>: the process answers. <c>/health/ready</c>: it can also reach its database (one
/// <c>SELECT 1</c>), so a router or a test starts sending traffic only to an instance that can serve it.</summary>
public static class HealthEndpoints
{
    public static WebApplication MapHealth(this WebApplication app)
    {
        app.MapGet("/health/live", () => Results.Ok(new { status = "live" }));
        app.MapGet("/health/ready", async (NpgsqlDataSource database, CancellationToken ct) =>
        {
            try
            {
                await using var command = database.CreateCommand("SELECT 1");
                await command.ExecuteScalarAsync(ct);
                return Results.Ok(new { status = "ready" });
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                return Results.Json(new { status = "unready", reason = e.Message }, statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        });
        return app;
    }
}
