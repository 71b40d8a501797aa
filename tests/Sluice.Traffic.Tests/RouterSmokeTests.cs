using Sluice.Canary;
using Sluice.Testing.Postgres;

namespace Sluice.Traffic.Tests;

public sealed class RouterSmokeTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Smoke()
    {
        await using var database = await Shop.Tests.PhaseStates.CreateAsync(postgres, 0, Ct);
        await using var pair = await ShopPair.StartAsync(database.ConnectionString, Ct);
        using var client = pair.Client();
        Assert.Equal(1, await ShopProcesses.VersionAsync(client, Ct));
        await pair.Router.RouteAsync(TrafficSplit.AllCanary, Ct);
        Assert.Equal(2, await ShopProcesses.VersionAsync(client, Ct));
    }
}
