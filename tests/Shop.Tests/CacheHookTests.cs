using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Shop.Caching;
using Shop.Customers;
using Sluice.Migrations.Journal;
using Sluice.Migrations.Running;
using Sluice.Postgres.Migrations;
using Sluice.Testing.Postgres;
using Sluice.Tests;

namespace Shop.Tests;

/// <summary>
/// The sample plan's switch phase invalidates the shop's customer cache through its after hook: a real shop (Kestrel
/// on a loopback port, caching on) and a real database, the count taken at the shop.
/// </summary>
public sealed class CacheHookTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private const string Key = "sluice.local.0001_split_customer_name.read_split_name.invalidate_customer_cache.after.1";

    [Fact]
    public async Task The_switch_clears_the_cached_views_once_even_when_the_hook_is_called_again_after_a_lost_journal_write()
    {
        await using var database = await PhaseStates.CreateAsync(postgres, 0, Ct);
        await using var shop = await StartShopAsync(database.ConnectionString);
        using var client = new HttpClient { BaseAddress = Address(shop) };
        var pipelines = CopySamplePlan();
        try
        {
            // A view cached before the switch was read through full_name only.
            Assert.Null((await client.GetFromJsonAsync<CustomerView>("customers/1", Ct))!.FirstName);
            Assert.Equal(1, (await client.GetFromJsonAsync<CacheState>("cache", Ct))!.Entries);
            await using var target = new PostgresMigrationDatabase(database.ConnectionString);
            var request = new MigrationRequest(pipelines, null, "local", By: new RunnerIdentity("runner", "host", null));
            var options = new MigrationRunnerOptions("local", HookVariables: name => name == "SHOP_URL" ? client.BaseAddress!.ToString().TrimEnd('/') : null);

            await target.Service().MigrateAsync(request, null, options, Ct);

            var state = (await client.GetFromJsonAsync<CacheState>("cache", Ct))!;
            Assert.Equal((1, 1), (state.Invalidations, state.Requests));
            Assert.Equal([Key], state.Keys);
            // Read again after the flip: through the split columns, not the stale view.
            Assert.NotNull((await client.GetFromJsonAsync<CustomerView>("customers/1", Ct))!.FirstName);
            var detail = await TestSql.ScalarAsync<string>(database.ConnectionString, "SELECT detail FROM sluice.hook_runs WHERE hook = 'invalidate_customer_cache'", Ct);
            // The shop's address came through ${secret:SHOP_URL}: the journal keeps it masked.
            Assert.Equal("POST ***/cache/invalidate answered 204 No Content", detail);

            // The run that called the hook crashed before its journal row was written: the next run calls it again, with
            // the same Idempotency-Key, and the shop does the invalidation once.
            await TestSql.ScalarAsync<int>(database.ConnectionString, "WITH gone AS (DELETE FROM sluice.hook_runs RETURNING 1) SELECT count(*)::int FROM gone", Ct);
            await target.Service().MigrateAsync(request, null, options, Ct);

            state = (await client.GetFromJsonAsync<CacheState>("cache", Ct))!;
            Assert.Equal((1, 2), (state.Invalidations, state.Requests));
            Assert.Equal([Key], state.Keys);
        }
        finally
        {
            Directory.Delete(pipelines, recursive: true);
        }
    }

    [Fact]
    public async Task Where_the_shop_is_not_configured_the_switch_journals_the_hook_as_not_called()
    {
        await using var database = await PhaseStates.CreateAsync(postgres, 0, Ct);
        var pipelines = CopySamplePlan();
        try
        {
            await using var target = new PostgresMigrationDatabase(database.ConnectionString);
            var request = new MigrationRequest(pipelines, null, "local", By: new RunnerIdentity("runner", "host", null));

            await target.Service().MigrateAsync(request, null, new MigrationRunnerOptions("local", HookVariables: _ => null), Ct);

            Assert.Equal("after none: not called: SHOP_URL is not set for this run, so the layer it reaches is not configured here",
                await TestSql.ScalarAsync<string>(database.ConnectionString, "SELECT concat(direction, ' ', outcome, ': ', detail) FROM sluice.hook_runs", Ct));
        }
        finally
        {
            Directory.Delete(pipelines, recursive: true);
        }
    }

    private static string CopySamplePlan()
    {
        var pipelines = Path.Combine(Path.GetTempPath(), $"shop-hook-pipes-{Guid.NewGuid():N}");
        var folder = Path.Combine(pipelines, "shop", "migrations", "0001_split_customer_name");
        Directory.CreateDirectory(folder);
        foreach (var file in Directory.EnumerateFiles(RepositoryFiles.SamplePlan)) File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        return pipelines;
    }

    private static async Task<WebApplication> StartShopAsync(string connectionString)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddShop(connectionString, 2, cacheCustomers: true);
        var app = builder.Build();
        app.MapShop();
        app.MapCache();
        await app.StartAsync(Ct);
        return app;
    }

    private static Uri Address(WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single() + "/");
}
