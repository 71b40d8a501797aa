using Npgsql;
using Sluice.Gates;
using Sluice.Migrations.Journal;
using Sluice.Migrations.Running;
using Sluice.Postgres.Clusters;
using Sluice.Postgres.Fingerprints;
using Sluice.Postgres.Migrations;
using Sluice.Postgres.Releases;
using Sluice.Postgres.Tests.Migrations;
using Sluice.Testing.Postgres;

namespace Sluice.Postgres.Tests.Clusters;

[Collection(StreamingReplicaCollection.Name)]
public sealed class StreamingReplicaTests(StreamingReplicaFixture postgres)
{
    private static readonly RunnerIdentity Alice = new("alice", "laptop", null);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_standby_streams_the_primary_and_reads_the_same_fingerprint_once_replayed()
    {
        await using var database = await ShopDatabase.CreateAsync(postgres, Ct, extraCustomers: 2000);
        await postgres.Replica.WaitForReplayAsync(Ct);

        var standby = postgres.StandbyConnectionString(DatabaseName(database.ConnectionString));
        var diff = await new PostgresFingerprints().DiffAsync(database.ConnectionString, standby, Ct);
        Assert.True(diff.AreEqual, diff.Render());
        Assert.Equal(4000L, await TestSql.ScalarAsync<long>(standby, "SELECT count(*) FROM customers", Ct));
        Assert.True(await TestSql.ScalarAsync<bool>(standby, "SELECT pg_is_in_recovery()", Ct));
        var position = await postgres.Replica.PositionAsync(Ct);
        Assert.True(position.Streaming, "the standby streams from the primary");
        Assert.False(position.ReplayPaused);
        var slot = await TestSql.ScalarAsync<bool>(postgres.AdminConnectionString,
            $"SELECT active FROM pg_replication_slots WHERE slot_name = '{postgres.Replica.SlotName}'", Ct);
        Assert.True(slot, "the standby holds its replication slot");
    }

    [Fact]
    public async Task A_paused_replica_throttles_the_backfill_and_blocks_the_lag_gate_until_replay_resumes()
    {
        await using var database = await ShopDatabase.CreateAsync(postgres, Ct, extraCustomers: 3000);
        using var plans = PlanCopy.SampleUpToBackfill(batchSize: 200, ("throttle_pause: 1s", "throttle_pause: 50ms"), ("max_replication_lag: 10s", "max_replication_lag: 1s"));
        await postgres.Replica.WaitForReplayAsync(Ct);
        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString);
        var gate = new ReplicationLagGate(new PostgresReplicationLag(dataSource), TimeSpan.FromSeconds(1));
        var context = new GateContext("staging", Sluice.Environments.EnvironmentSpec.LocalDefault, [], DateTimeOffset.UtcNow);

        await postgres.Replica.PauseReplayAsync(Ct);
        try
        {
            // WAL the paused standby receives and does not replay: its replay lag grows from here on.
            await TestSql.ExecuteAsync(database.ConnectionString, "UPDATE customers SET email = email WHERE id % 10 = 0", Ct);
            var blocked = await EventuallyAsync(() => gate.EvaluateAsync(context, Ct), r => r.Verdict == GateVerdict.Fail, TimeSpan.FromSeconds(30));
            Assert.Equal(GateVerdict.Fail, blocked.Verdict);
            Assert.Matches(@"1 replica\(s\), max replay lag \d+ ms exceeds 1s", blocked.Evidence);
            Assert.Contains("caught up", blocked.Remedy);
            Assert.True((await postgres.Replica.PositionAsync(Ct)).ReplayPaused);

            // The backfill reads the same lag through its pressure source, throttles, and goes on once replay resumes.
            await using var target = new PostgresMigrationDatabase(database.ConnectionString);
            var resumed = 0;
            var progress = new RecordingProgress(r =>
            {
                if (r.Step == MigrationStep.Throttled && Interlocked.Exchange(ref resumed, 1) == 0)
                    _ = Task.Run(async () => { await Task.Delay(500); await postgres.Replica.ResumeReplayAsync(CancellationToken.None); });
            });
            var result = await target.Service().MigrateAsync(new MigrationRequest(plans.Pipelines, null, "staging", By: Alice), progress, Ct);

            Assert.Equal(MigrationOutcome.Completed, result.Outcome);
            var throttled = progress.Reports.Where(r => r.Step == MigrationStep.Throttled).ToList();
            Assert.NotEmpty(throttled);
            Assert.All(throttled, r => Assert.Matches(@"replication lag \d+ ms exceeds 1s", r.Message));
            Assert.Contains(throttled, r => r.Backfill is { Throttled: not null });
            var events = await target.Providers.Journal.ReadEventsAsync("0001_split_customer_name", Ct);
            Assert.Contains(events, e => e.Kind == JournalEventKind.BackfillThrottled && e.Message.Contains("replication lag"));
            Assert.Equal(0L, await ShopDatabase.OutOfStepRowsAsync(database.ConnectionString, Ct));
        }
        finally
        {
            await postgres.Replica.ResumeReplayAsync(CancellationToken.None);
        }

        // Caught up, the gate lets the release through again.
        await postgres.Replica.WaitForReplayAsync(Ct);
        var passing = await EventuallyAsync(() => gate.EvaluateAsync(context, Ct), r => r.Verdict == GateVerdict.Pass, TimeSpan.FromSeconds(30));
        Assert.Equal(GateVerdict.Pass, passing.Verdict);
    }

    [Fact]
    public async Task A_second_replica_is_created_stopped_restarted_and_promoted_to_a_writable_primary()
    {
        var root = Path.Combine(Path.GetTempPath(), $"sluice-p{Guid.NewGuid().ToString("N")[..8]}");
        var replica = new StreamingReplica(postgres.Cluster, new StreamingReplicaOptions
        {
            DataDirectory = Path.Combine(root, "data"), SlotName = "sluice_promote_test", ApplicationName = "promote_test",
        });
        try
        {
            await replica.StartAsync(Ct);
            Assert.True(replica.IsStandby);
            await replica.StopAsync(Ct);
            await using var database = await ShopDatabase.CreateAsync(postgres, Ct);
            await replica.StartAsync(Ct); // catches up through its slot, which kept the WAL while it was stopped
            await replica.WaitForReplayAsync(Ct);
            var name = DatabaseName(database.ConnectionString);
            Assert.Equal(2L, await TestSql.ScalarAsync<long>(replica.Standby.ConnectionString(name), "SELECT count(*) FROM pg_tables WHERE tablename IN ('customers', 'orders')", Ct));

            await replica.PromoteAsync(Ct);

            Assert.False(replica.IsStandby);
            Assert.False(await TestSql.ScalarAsync<bool>(replica.Standby.ConnectionString(name), "SELECT pg_is_in_recovery()", Ct));
            await TestSql.ExecuteAsync(replica.Standby.ConnectionString(name), "CREATE TABLE written_after_promotion (id int)", Ct);
            Assert.Equal(0L, await TestSql.ScalarAsync<long>(postgres.AdminConnectionString,
                "SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'sluice_promote_test'", Ct));
        }
        finally
        {
            await replica.RemoveAsync(CancellationToken.None);
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
    }

    private static string DatabaseName(string connectionString) => new NpgsqlConnectionStringBuilder(connectionString).Database!;

    private static async Task<T> EventuallyAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan limit)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var value = await read();
            if (done(value) || started.Elapsed > limit) return value;
            await Task.Delay(200, Ct);
        }
    }
}
