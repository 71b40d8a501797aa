using Microsoft.FeatureManagement;
using Npgsql;
using Shop.Customers;
using Shop.Faults;
using Shop.Flags;
using Shop.Metrics;

namespace Shop;

/// <summary>Registers the shop's services for one version (1 or 2) against one database.</summary>
public static class ShopServices
{
    /// <param name="faults">The fault switches (all off when not given).</param>
    /// <param name="cacheCustomers">Serve customer reads from an in-memory cache (<c>Shop:CacheCustomers</c>), which the
    /// switch phase's hook invalidates; off by default.</param>
    public static IServiceCollection AddShop(this IServiceCollection services, string connectionString, int version, FaultSwitches? faults = null,
        bool cacheCustomers = false)
    {
        // Each version's sessions carry their own application_name, so the database's statistics tell them apart.
        var named = new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = $"shop-v{version}" }.ConnectionString;
        services.AddSingleton(_ => NpgsqlDataSource.Create(named));
        services.AddSingleton(faults ?? new FaultSwitches());
        // Registered before AddFeatureManagement, which only adds its configuration provider when none is there.
        services.AddSingleton<IFeatureDefinitionProvider, DatabaseFeatureDefinitions>();
        services.AddFeatureManagement();
        if (version == 1) services.AddSingleton<ICustomerHandlers, V1CustomerHandlers>();
        else if (version == 2) services.AddSingleton<ICustomerHandlers, V2CustomerHandlers>();
        else throw new ArgumentOutOfRangeException(nameof(version), version, "the shop has versions 1 and 2");
        services.AddSingleton<Caching.CustomerCache>();
        if (cacheCustomers)
        {
            var handlers = services.Last(d => d.ServiceType == typeof(ICustomerHandlers));
            services.Remove(handlers);
            services.AddSingleton(handlers.ImplementationType!);
            services.AddSingleton<ICustomerHandlers>(p => new Caching.CachedCustomerHandlers(
                (ICustomerHandlers)p.GetRequiredService(handlers.ImplementationType!), p.GetRequiredService<Caching.CustomerCache>()));
        }
        return services;
    }

    /// <summary>The HTTP surface: the same routes in both versions.</summary>
    public static WebApplication MapShop(this WebApplication app)
    {
        app.UseShopMetrics();
        app.MapGet("/customers/{id:long}", async (long id, ICustomerHandlers handlers, CancellationToken ct) =>
            await handlers.GetCustomerAsync(id, ct) is { } customer ? Results.Ok(customer) : Results.NotFound());
        app.MapPost("/customers", async (NewCustomer customer, ICustomerHandlers handlers, CancellationToken ct) =>
        {
            var created = await handlers.CreateCustomerAsync(customer, ct);
            return Results.Created($"/customers/{created.Id}", created);
        });
        app.MapGet("/customers/{id:long}/orders", async (long id, ICustomerHandlers handlers, CancellationToken ct) =>
            Results.Ok(await handlers.ListOrdersAsync(id, ct)));
        app.MapGet("/version", (ICustomerHandlers handlers) => Results.Ok(new { version = handlers.Version }));
        return app;
    }
}
