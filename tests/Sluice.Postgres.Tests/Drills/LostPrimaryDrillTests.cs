using Sluice.Drills;
using Sluice.Drills.Scenarios;
using Sluice.Fingerprints;
using Sluice.Migrations.Journal;
using Sluice.Migrations.Plans;
using Sluice.Postgres.Clusters;
using Sluice.Postgres.Drills;
using Sluice.Postgres.Tests.Migrations;
using Sluice.Secrets;
using Sluice.Testing.Postgres;

namespace Sluice.Postgres.Tests.Drills;

/// <summary>
/// The lost-primary drill end to end on real servers: the working copy on a throwaway primary with a real streaming
/// standby, the reference on the fixture's server; the primary is crashed right after 1,000 committed writes, the standby
/// promoted, and the working copy's own connection string (both servers, read-write wanted) reaches the promoted one.
/// The data lost is exactly the committed rows the standby never received.
/// </summary>
public sealed class LostPrimaryDrillTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly RunnerIdentity By = new("drill", "test-host", null);
    private const string Seed = "CREATE TABLE public.orders (id bigint PRIMARY KEY, total int NOT NULL); INSERT INTO public.orders SELECT g, g % 97 FROM generate_series(1, 5000) g;";

    [Fact]
    public async Task Promoting_the_standby_restores_the_copy_and_the_rows_lost_are_the_writes_it_never_received()
    {
        await using var evidence = await ShopDatabase.CreateAsync(postgres, Ct);
        await using var pool = Npgsql.NpgsqlDataSource.Create(evidence.ConnectionString);
        var plans = new ServicePlans("shop", Path.Combine(Path.GetTempPath(), "shop"), []);
        var standby = await PostgresDrillStandby.StartAsync(await PostgresToolchain.DetectAsync(Ct), Ct);
        var workingDb = await new Databases.EphemeralDatabases(standby.AdminConnectionString).CreateEmptyAsync(Ct);
        var referenceDb = await postgres.CreateEmptyDatabaseAsync(Ct);
        await ShopDatabase.ExecuteAsync(workingDb.ConnectionString, Seed, Ct);
        await ShopDatabase.ExecuteAsync(referenceDb.ConnectionString, Seed, Ct);
        var working = new PostgresDrillCopy(workingDb, plans, By, SecretValues.None, NoSnapshot, standby);
        var reference = new PostgresDrillCopy(referenceDb, plans, By, SecretValues.None, NoSnapshot);
        var counted = new CountingScenario(new LostPrimaryScenario());
        var drills = new SeededDrills(new PostgresDrillCopies(working, reference, "a seeded copy"), new PostgresDrillJournal(pool));

        var result = await new DrillRunner(drills, service: null).RunAsync(counted, "staging", plans, By, null, Ct);

        Assert.NotEqual(DrillOutcome.Failed, result.Outcome);
        Assert.NotNull(result.TimeToRestore);
        Assert.Contains("crashed (immediate shutdown)", result.Detail, StringComparison.Ordinal);
        Assert.Contains("promoted", result.Detail, StringComparison.Ordinal);
        // Read through the working copy's own connection string after the promotion: the standby answered, writable.
        Assert.True(counted.Received is >= 0 and <= 1000, $"rows on the promoted standby: {counted.Received}");
        Assert.Equal(1000 - counted.Received, result.RowsMissing);
        // Whole transactions, and only those still in flight at the crash: every commit's WAL is flushed, so the walsender
        // streams it at once (an asynchronous commit on the primary held it back until the crash threw it away: all lost).
        Assert.Equal(0, result.RowsMissing % 100);
        Assert.True(result.RowsMissing < 1000, $"rows lost: {result.RowsMissing}; {result.Detail}");
        Assert.Equal(0, result.RowsChanged);
        Assert.Equal(result.RowsLost == 0 ? DrillOutcome.Restored : DrillOutcome.DataLost, result.Outcome);
        Assert.Equal(result.Outcome, (await drills.Journal.LatestAsync("staging", "lost-primary", Ct))!.Outcome);
        // The throwaway servers went with the copies.
        await Assert.ThrowsAnyAsync<Exception>(() => ShopDatabase.ScalarAsync<long>(standby.ServiceConnectionString(workingDb.Name), "SELECT 1::bigint", Ct));
    }

    private static Task<string> NoSnapshot(string target, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("the lost-primary drill does not restore a snapshot");

    /// <summary>The scenario as is, then the rows the promoted copy holds and a write to it (it accepts writes).</summary>
    private sealed class CountingScenario(IDrillScenario inner) : IDrillScenario
    {
        public long Received { get; private set; } = -1;

        public string Name => inner.Name;
        public string Fault => inner.Fault;
        public string Recovery => inner.Recovery;
        public DrillNeeds Needs => inner.Needs;
        public Task<string?> PrepareAsync(DrillSetting setting, CancellationToken cancellationToken) => inner.PrepareAsync(setting, cancellationToken);
        public Task<string> InjectAsync(DrillSetting setting, CancellationToken cancellationToken) => inner.InjectAsync(setting, cancellationToken);

        public async Task<string> RecoverAsync(DrillSetting setting, CancellationToken cancellationToken)
        {
            var recovered = await inner.RecoverAsync(setting, cancellationToken);
            var builder = new Npgsql.NpgsqlConnectionStringBuilder(setting.Working.ConnectionString);
            await ShopDatabase.ExecuteAsync(setting.Working.ConnectionString, "CREATE TEMP TABLE promoted_accepts_writes (x int)", cancellationToken);
            Received = await ShopDatabase.ScalarAsync<long>(setting.Working.ConnectionString, "SELECT count(*) FROM public.sluice_drill_writes", cancellationToken);
            Assert.Contains(',', builder.Host!);
            return recovered;
        }
    }

    private sealed class SeededDrills(IDrillCopies copies, IDrillJournal journal) : IEnvironmentDrills
    {
        public IDrillJournal Journal => journal;

        public Task<IDrillCopies> CopyAsync(DrillNeeds needs, CancellationToken cancellationToken) => Task.FromResult(copies);
    }
}
