using System.Diagnostics;
using Npgsql;
using Shop.Tests;
using Sluice.Canary;
using Sluice.Canary.Analysis;
using Sluice.Canary.Definition;
using Sluice.Canary.Running;
using Sluice.Errors;
using Sluice.Postgres.Canary;
using Sluice.Postgres.Databases;
using Sluice.Secrets;
using Sluice.Testing.Postgres;
using Sluice.Traffic.Load;
using Sluice.Traffic.Metrics;

namespace Sluice.Traffic.Tests;

/// <summary>
/// The definition's <c>blue_green</c> strategy end to end with real processes: the shop's v1 (blue) and v2 (green)
/// behind the YARP router, the load generator through it. After green's analysis passes, all traffic is on green and
/// blue keeps running, warm, so a switch back is instant; a green that fails its analysis is switched back to blue at
/// once after the verdict, and blue answers the very next request.
/// </summary>
public sealed class BlueGreenTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly CanaryDefinition Definition = CanaryDefinitionReader.Read(System.Text.Json.JsonDocument.Parse("""
        {
          "strategy": "blue_green",
          "steps": [ { "weight": 100, "interval": "3s" } ],
          "metrics": [
            { "name": "error_rate", "source": "router", "max": 0.01 },
            { "name": "latency", "source": "router", "p99_max": 2000 }
          ],
          "failure_limit": 0, "inconclusive_limit": 2, "consecutive_error_limit": 0, "min_samples": 30
        }
        """).RootElement);

    [Fact]
    public async Task A_healthy_green_takes_all_traffic_after_its_analysis_and_blue_stays_warm_for_an_instant_switch_back()
    {
        await using var world = await World.StartAsync(postgres, null);
        Assert.Equal(TrafficSplit.AllBaseline, await world.Pair.Router.CurrentAsync(Ct));

        var result = await world.RunAsync();

        Assert.Equal(CanaryOutcome.Promoted, result.Result?.Outcome);
        Assert.Equal(TrafficSplit.AllCanary, await world.Pair.Router.CurrentAsync(Ct));
        var step = Assert.Single(result.Canary.Measurements).Analysis;
        var errors = step.Judgements.Single(j => j.Metric == "error_rate");
        Assert.Equal(0, errors.BaselineCount); // the switch is whole: blue got no request while green was judged
        Assert.True(errors.CanaryCount >= 30, errors.Reason);
        using var client = world.Pair.Client();
        Assert.Equal(2, await ShopProcesses.VersionAsync(client, Ct));

        // Blue is warm: still running, ready, and serving the first request after the switch back.
        Assert.False(world.Pair.V1.HasExited);
        using (var direct = new HttpClient { BaseAddress = world.Pair.V1.Address })
            (await direct.GetAsync("health/ready", Ct)).EnsureSuccessStatusCode();
        var back = Stopwatch.StartNew();
        await world.Pair.Router.RouteAsync(TrafficSplit.AllBaseline, Ct);
        Assert.Equal(1, await ShopProcesses.VersionAsync(client, Ct));
        Assert.True(back.Elapsed < TimeSpan.FromSeconds(1), $"blue answered {back.ElapsedMilliseconds} ms after the switch back");
    }

    [Fact]
    public async Task A_green_that_fails_its_analysis_is_switched_back_to_blue_at_once()
    {
        await using var world = await World.StartAsync(postgres, new Dictionary<string, string> { ["Shop__Faults__ErrorRate"] = "0.2" });

        var result = await world.RunAsync();

        Assert.Equal(ErrorCodes.CanaryFailed, result.Failure?.Code);
        Assert.Equal(CanaryOutcome.RolledBack, result.Canary.Outcome);
        Assert.Equal(Verdict.Fail, result.Canary.Measurements[^1].Analysis.Judgements.Single(j => j.Metric == "error_rate").Verdict);
        Assert.Equal(TrafficSplit.AllBaseline, await world.Pair.Router.CurrentAsync(Ct));
        Assert.True(result.Canary.BackOnBaselineAfter < TimeSpan.FromMilliseconds(100), $"{result.Canary.BackOnBaselineAfter}");
        using var client = world.Pair.Client();
        Assert.Equal(1, await ShopProcesses.VersionAsync(client, Ct));
        Assert.False(world.Pair.V2.HasExited); // green is left running for a look, taking no traffic
    }

    private sealed class World : IAsyncDisposable
    {
        private readonly EphemeralDatabase _database;
        private readonly NpgsqlDataSource _pool;

        private World(EphemeralDatabase database, ShopPair pair)
        {
            _database = database;
            Pair = pair;
            _pool = NpgsqlDataSource.Create(database.ConnectionString);
        }

        public ShopPair Pair { get; }

        public static async Task<World> StartAsync(PostgresFixture postgres, IReadOnlyDictionary<string, string>? greenSettings)
        {
            var database = await PhaseStates.CreateAsync(postgres, 2, Ct);
            return new World(database, await ShopPair.StartAsync($"{database.ConnectionString};Maximum Pool Size=10", Ct, v2Settings: greenSettings));
        }

        public async Task<(CanaryResult? Result, SluiceException? Failure, CanaryRecord Canary)> RunAsync()
        {
            var journal = new PostgresCanaryJournal(_pool, SecretValues.None);
            var runner = new CanaryRunner(Definition, Pair.Router, new CanaryAnalyzer([new RouterMetricSource(Pair.Router)]), journal);
            return await CanaryUnderLoad.RunAsync(runner, journal, new LoadOptions(Pair.RouterAddress, 100, TimeSpan.FromMinutes(2)), "blue-green-test", Ct);
        }

        public async ValueTask DisposeAsync()
        {
            await Pair.DisposeAsync();
            await _pool.DisposeAsync();
            await _database.DisposeAsync();
        }
    }
}
