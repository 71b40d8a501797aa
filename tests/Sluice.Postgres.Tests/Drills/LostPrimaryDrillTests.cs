using Sluice.Drills;
using Sluice.Drills.Scenarios;
using Sluice.Fingerprints;
using Sluice.Migrations.Journal;
using Sluice.Migrations.Plans;
using Sluice.Migrations.Running;
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
        var (standby, workingDb, drills) = await CopiesOnAPrimaryWithAStandbyAsync(pool, Ct);
        var counted = new CountingScenario(new LostPrimaryScenario());

        var result = await new DrillRunner(drills, service: null).RunAsync(counted, "staging", Plans, By, null, Ct);

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
        await Assert.ThrowsAnyAsync<Exception>(() => TestSql.ScalarAsync<long>(standby.ServiceConnectionString(workingDb.Name), "SELECT 1::bigint", Ct));
    }

    /// <summary>The same writes, then the crash only once the standby replayed them: nothing is lost. Then the standby
    /// cut off from its primary before the writes (its WAL receiver stopped): every one of them is lost, and the crash
    /// reports the WAL the standby never received.</summary>
    [Theory]
    [InlineData(false, 0L)]
    [InlineData(true, 1000L)]
    public async Task The_rows_lost_are_exactly_the_committed_writes_the_standby_had_not_received(bool cutOff, long lost)
    {
        await using var evidence = await ShopDatabase.CreateAsync(postgres, Ct);
        await using var pool = Npgsql.NpgsqlDataSource.Create(evidence.ConnectionString);
        var (_, _, drills) = await CopiesOnAPrimaryWithAStandbyAsync(pool, Ct);

        var result = await new DrillRunner(drills, service: null).RunAsync(new SettledScenario(new LostPrimaryScenario(), cutOff), "staging", Plans, By, null, Ct);

        Assert.Equal(lost, result.RowsMissing);
        Assert.Equal(0, result.RowsChanged);
        Assert.Equal(lost == 0 ? DrillOutcome.Restored : DrillOutcome.DataLost, result.Outcome);
        Assert.Contains(cutOff ? "bytes of it not yet received" : " 0 bytes of it not yet received", result.Detail, StringComparison.Ordinal);
        if (cutOff) Assert.DoesNotContain(" 0 bytes of it", result.Detail, StringComparison.Ordinal);
    }

    private static readonly ServicePlans Plans = new("shop", Path.Combine(Path.GetTempPath(), "shop"), []);

    /// <summary>A working copy on a throwaway primary with a streaming standby, a reference on the fixture's server,
    /// both seeded alike.</summary>
    private async Task<(PostgresDrillStandby Standby, Databases.EphemeralDatabase WorkingDb, SeededDrills Drills)> CopiesOnAPrimaryWithAStandbyAsync(
        Npgsql.NpgsqlDataSource journal, CancellationToken cancellationToken)
    {
        var standby = await PostgresDrillStandby.StartAsync(await PostgresToolchain.DetectAsync(cancellationToken), cancellationToken);
        var workingDb = await new Databases.EphemeralDatabases(standby.AdminConnectionString).CreateEmptyAsync(cancellationToken);
        var referenceDb = await postgres.CreateEmptyDatabaseAsync(cancellationToken);
        await TestSql.ExecuteAsync(workingDb.ConnectionString, Seed, cancellationToken);
        await TestSql.ExecuteAsync(referenceDb.ConnectionString, Seed, cancellationToken);
        var working = new PostgresDrillCopy(workingDb, Plans, By, SecretValues.None, NoSnapshot, standby);
        var reference = new PostgresDrillCopy(referenceDb, Plans, By, SecretValues.None, NoSnapshot);
        return (standby, workingDb, new SeededDrills(new PostgresDrillCopies(working, reference, "a seeded copy"), new PostgresDrillJournal(journal)));
    }

    /// <summary>The scenario with the race taken out: the standby either replays every write before the crash, or is cut
    /// off from the primary (primary_conninfo emptied, its WAL receiver gone) before the first.</summary>
    private sealed class SettledScenario(IDrillScenario inner, bool cutOff) : IDrillScenario
    {
        public string Name => inner.Name;
        public string Fault => inner.Fault;
        public string Recovery => inner.Recovery;
        public DrillNeeds Needs => inner.Needs;

        public async Task<string?> PrepareAsync(DrillSetting setting, CancellationToken cancellationToken)
        {
            var prepared = await inner.PrepareAsync(setting, cancellationToken);
            if (cutOff)
            {
                var onStandby = OnStandby(setting);
                await TestSql.ExecuteAsync(onStandby, "ALTER SYSTEM SET primary_conninfo = ''", cancellationToken);
                await TestSql.ExecuteAsync(onStandby, "SELECT pg_reload_conf()", cancellationToken);
                while (await TestSql.ScalarAsync<long>(onStandby, "SELECT count(*) FROM pg_stat_wal_receiver", cancellationToken) > 0)
                    await Task.Delay(50, cancellationToken);
            }
            return prepared;
        }

        public Task<string> InjectAsync(DrillSetting setting, CancellationToken cancellationToken) =>
            inner.InjectAsync(cutOff ? setting : setting with { Working = new ReplayedBeforeTheCrash(setting.Working) }, cancellationToken);

        public Task<string> RecoverAsync(DrillSetting setting, CancellationToken cancellationToken) => inner.RecoverAsync(setting, cancellationToken);

        private static string OnStandby(DrillSetting setting)
        {
            var standby = setting.Working.Standby!;
            var port = int.Parse(standby.Location[(standby.Location.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            return new Npgsql.NpgsqlConnectionStringBuilder(setting.Working.ConnectionString)
            {
                Host = "127.0.0.1", Port = port, TargetSessionAttributes = "any", Database = "postgres",
            }.ConnectionString;
        }
    }

    /// <summary>The working copy whose standby replays everything before its primary is crashed.</summary>
    private sealed class ReplayedBeforeTheCrash(IDrillCopy copy) : IDrillCopy, IDrillStandby
    {
        private IDrillStandby Inner => copy.Standby!;
        public string Location => Inner.Location;
        string IDrillCopy.Location => copy.Location;
        public string ConnectionString => copy.ConnectionString;
        public IDrillStandby Standby => this;
        public IMigrationJournal Journal => copy.Journal;
        public Task ExecuteAsync(string sql, CancellationToken cancellationToken) => copy.ExecuteAsync(sql, cancellationToken);
        public Task<IReadOnlyList<DrillTable>> TablesAsync(CancellationToken cancellationToken) => copy.TablesAsync(cancellationToken);
        public Task<MigrationRunResult> MigrateAsync(string planId, IPhaseBarrier? barrier, IProgress<MigrationProgress>? progress, CancellationToken cancellationToken) =>
            copy.MigrateAsync(planId, barrier, progress, cancellationToken);
        public Task<MigrationRunResult> RollbackAsync(string planId, CancellationToken cancellationToken) => copy.RollbackAsync(planId, cancellationToken);
        public Task<string> RestoreLatestVerifiedSnapshotAsync(CancellationToken cancellationToken) => copy.RestoreLatestVerifiedSnapshotAsync(cancellationToken);
        public Task WaitForReplayAsync(CancellationToken cancellationToken) => Inner.WaitForReplayAsync(cancellationToken);
        public Task<string> PromoteAsync(CancellationToken cancellationToken) => Inner.PromoteAsync(cancellationToken);

        public async Task<string> LosePrimaryAsync(CancellationToken cancellationToken)
        {
            await Inner.WaitForReplayAsync(cancellationToken);
            return await Inner.LosePrimaryAsync(cancellationToken);
        }
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
            await TestSql.ExecuteAsync(setting.Working.ConnectionString, "CREATE TEMP TABLE promoted_accepts_writes (x int)", cancellationToken);
            Received = await TestSql.ScalarAsync<long>(setting.Working.ConnectionString, "SELECT count(*) FROM public.sluice_drill_writes", cancellationToken);
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
