using Npgsql;
using Shop.Tests;
using Sluice.Canary;
using Sluice.Canary.Analysis;
using Sluice.Canary.Definition;
using Sluice.Canary.Running;
using Sluice.Errors;
using Sluice.Postgres.Canary;
using Sluice.Secrets;
using Sluice.Testing.Postgres;
using Sluice.Traffic.Load;
using Sluice.Traffic.Metrics;

namespace Sluice.Traffic.Tests;

/// <summary>A cluster that logs what <see cref="DatabaseMetricSource"/> reads (the shared one does not).</summary>
public sealed class CsvLogClusterFixture : PostgresFixture
{
    protected override IReadOnlyDictionary<string, string> ServerSettings { get; } = DatabaseMetricSource.RequiredSettings;
}

/// <summary>
/// The database's own signals judged inside a canary, end to end: the shop's v1 and v2 as processes on a cluster that
/// logs errors, each version's sessions named by the shop (<c>shop-v1</c>, <c>shop-v2</c>), the router and the load
/// generator in front. A healthy v2 passes the database's checks with its sessions as the samples; a v2 whose writes
/// the database refuses (a trigger raising for v2's sessions only) fails the canary on the SQLSTATE it raised.
/// </summary>
public sealed class CanaryDatabaseSignalsTests(CsvLogClusterFixture cluster) : IClassFixture<CsvLogClusterFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly CanaryDefinition Definition = CanaryDefinitionReader.Read(System.Text.Json.JsonDocument.Parse("""
        {
          "steps": [ { "weight": 50, "interval": "3s" }, { "weight": 100, "interval": "3s" } ],
          "metrics": [
            { "name": "error_rate", "source": "router", "max": 0.5 },
            { "name": "sqlstate_errors", "source": "database", "max": 0 },
            { "name": "deadlocks", "source": "database", "max": 0 }
          ],
          "application_name": "shop-v{version}",
          "failure_limit": 0, "inconclusive_limit": 2, "consecutive_error_limit": 0, "min_samples": 30
        }
        """).RootElement);

    [Fact]
    public async Task A_healthy_v2_passes_the_database_checks_with_its_sessions_as_samples()
    {
        var (result, failure, canary) = await RunAsync(refuseV2Writes: false);

        Assert.Null(failure);
        Assert.Equal(CanaryOutcome.Promoted, result!.Outcome);
        var database = canary.Measurements.SelectMany(m => m.Analysis.Judgements).Where(j => j.Source == MetricCatalog.Database).ToList();
        Assert.NotEmpty(database);
        Assert.All(database, j => Assert.Equal(Verdict.Pass, j.Verdict));
        Assert.All(database, j => Assert.True(j.CanaryCount >= 1 && j.BaselineCount >= 1, j.Reason));
        Assert.All(database, j => Assert.Equal(0, j.CanaryValue));
    }

    [Fact]
    public async Task A_v2_whose_writes_the_database_refuses_fails_the_canary_on_the_sqlstate()
    {
        var (_, failure, canary) = await RunAsync(refuseV2Writes: true);

        Assert.Equal(ErrorCodes.CanaryFailed, failure?.Code);
        Assert.Equal(CanaryOutcome.RolledBack, canary.Outcome);
        var errors = canary.Measurements[^1].Analysis.Judgements.Single(j => j.Metric == "sqlstate_errors");
        Assert.Equal(Verdict.Fail, errors.Verdict);
        Assert.True(errors.CanaryValue >= 1, errors.Reason);
        Assert.Equal(0, errors.BaselineValue); // v1 wrote too, and the database accepted every one of its writes
        Assert.Equal(Verdict.Pass, canary.Measurements[^1].Analysis.Judgements.Single(j => j.Metric == "deadlocks").Verdict);
    }

    private async Task<(CanaryResult? Result, SluiceException? Failure, CanaryRecord Canary)> RunAsync(bool refuseV2Writes)
    {
        await using var database = await PhaseStates.CreateAsync(cluster, 2, Ct);
        if (refuseV2Writes)
        {
            await using var connection = new NpgsqlConnection(database.ConnectionString);
            await connection.OpenAsync(Ct);
            await using var trigger = new NpgsqlCommand("""
                CREATE FUNCTION refuse_v2() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                  IF current_setting('application_name') = 'shop-v2' THEN RAISE EXCEPTION 'injected: v2 may not write' USING ERRCODE = 'P0001'; END IF;
                  RETURN NEW;
                END $$;
                CREATE TRIGGER refuse_v2 BEFORE INSERT OR UPDATE ON customers FOR EACH ROW EXECUTE FUNCTION refuse_v2();
                """, connection);
            await trigger.ExecuteNonQueryAsync(Ct);
        }
        await using var pair = await ShopPair.StartAsync($"{database.ConnectionString};Maximum Pool Size=10", Ct);
        await using var pool = NpgsqlDataSource.Create(database.ConnectionString);
        var journal = new PostgresCanaryJournal(pool, SecretValues.None);
        var analyzer = new CanaryAnalyzer([new RouterMetricSource(pair.Router), new DatabaseMetricSource(database.ConnectionString, Definition)]);
        analyzer.CheckSources(Definition);
        var runner = new CanaryRunner(Definition, pair.Router, analyzer, journal);
        return await CanaryUnderLoad.RunAsync(runner, journal, new LoadOptions(pair.RouterAddress, 100, TimeSpan.FromMinutes(2)) { WriteShare = 0.5 }, "canary-test", Ct);
    }
}
