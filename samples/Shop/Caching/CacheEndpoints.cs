namespace Shop.Caching;

/// <summary><c>POST /cache/invalidate</c> clears the customer cache (204, also for a repeated <c>Idempotency-Key</c>);
/// <c>GET /cache</c> says what it holds and how often it was invalidated.</summary>
public static class CacheEndpoints
{
    public static WebApplication MapCache(this WebApplication app)
    {
        app.MapPost("/cache/invalidate", (HttpRequest request, CustomerCache cache) =>
        {
            cache.Invalidate(request.Headers["Idempotency-Key"].FirstOrDefault());
            return Results.NoContent();
        });
        app.MapGet("/cache", (CustomerCache cache) => Results.Ok(cache.State));
        return app;
    }
}
