using Sluice.Errors;
using Sluice.Migrations.Journal;
using Sluice.Migrations.Running;
using Sluice.Postgres.Migrations;
using Sluice.Testing.Postgres;

namespace Sluice.Postgres.Tests.Migrations;

public sealed class LeaseTests(PostgresFixture postgres)
{
    private static readonly RunnerIdentity RunnerA = new("runner-a", "host-a", "https://github.com/acme/shop/actions/runs/1");
    private static readonly RunnerIdentity RunnerB = new("runner-b", "host-b", "https://github.com/acme/shop/actions/runs/2");

    [Fact]
    public async Task Of_two_concurrent_runners_exactly_one_proceeds_and_the_other_is_told_who_holds_the_lease()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await ShopDatabase.CreateAsync(postgres, ct);
        using var plans = PlanCopy.SampleUpToBackfill(batchSize: 500, ("throttle_pause: 1s", "throttle_pause: 10ms"));
        // Whoever wins the lease is held in its backfill by a "lagging replica" until the loser has been refused.
        var loserRefused = new TaskCompletionSource();
        await using var a = new PostgresMigrationDatabase(database.ConnectionString, pressure: TestPressure.LaggingUntil(loserRefused.Task));
        await using var b = new PostgresMigrationDatabase(database.ConnectionString, pressure: TestPressure.LaggingUntil(loserRefused.Task));

        var runs = new[]
        {
            Task.Run(() => a.Service().MigrateAsync(new MigrationRequest(plans.Pipelines, null, "staging", By: RunnerA), null, ct), ct),
            Task.Run(() => b.Service().MigrateAsync(new MigrationRequest(plans.Pipelines, null, "staging", By: RunnerB), null, ct), ct),
        };
        var first = await Task.WhenAny(runs);
        var busy = await Assert.ThrowsAsync<SluiceException>(() => first);
        loserRefused.SetResult();
        var winner = runs.Single(r => r != first);
        var result = await winner;

        Assert.Equal((ErrorKind.Busy, "SLU040"), (busy.Kind, busy.Code));
        var holder = winner == runs[0] ? RunnerA : RunnerB;
        Assert.Contains($"held by {holder}", busy.Message);
        Assert.Matches(@"since \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ", busy.Message);
        Assert.Equal(MigrationOutcome.Completed, result.Outcome);
        var events = await a.Providers.Journal.ReadEventsAsync(null, ct);
        Assert.Single(events, e => e.Kind == JournalEventKind.LeaseAcquired);
        Assert.Single(events, e => e.Kind == JournalEventKind.LeaseReleased);
    }

    [Fact]
    public async Task A_dead_holders_expired_lease_is_taken_over_and_the_takeover_journaled()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await postgres.CreateDatabaseAsync(ct);
        await using var target = new PostgresMigrationDatabase(database.ConnectionString);
        await target.Providers.Journal.EnsureAsync(ct);
        // A holder that died an hour ago: its session (and advisory lock) is gone and its heartbeat long expired.
        await InsertLeaseAsync(database.ConnectionString, "ghost", "gone-host", acquired: "-2 hours", heartbeat: "-1 hour", expires: "-59 minutes", ct);

        await using (var lease = await target.Providers.Leases.AcquireAsync("staging", RunnerA, ct))
        {
            Assert.Equal(RunnerA, lease.Holder.Holder);
            Assert.Equal(RunnerA, (await target.Providers.Leases.ReadHolderAsync("staging", ct))!.Holder);
        }

        var takeover = Assert.Single(await target.Providers.Journal.ReadEventsAsync(null, ct), e => e.Kind == JournalEventKind.LeaseTakenOver);
        Assert.Contains("from ghost@gone-host", takeover.Message);
        Assert.Null(await target.Providers.Leases.ReadHolderAsync("staging", ct));
    }

    [Fact]
    public async Task A_lease_whose_session_is_gone_but_heartbeat_is_fresh_stays_busy_until_it_expires()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await postgres.CreateDatabaseAsync(ct);
        await using var target = new PostgresMigrationDatabase(database.ConnectionString);
        await target.Providers.Journal.EnsureAsync(ct);
        await InsertLeaseAsync(database.ConnectionString, "partitioned", "far-host", acquired: "-1 minute", heartbeat: "0 seconds", expires: "1 minute", ct);

        var error = await Assert.ThrowsAsync<SluiceException>(() => target.Providers.Leases.AcquireAsync("staging", RunnerA, ct));

        Assert.Equal(ErrorKind.Busy, error.Kind);
        Assert.Contains("held by partitioned@far-host since", error.Message);
        Assert.Contains("run again after that", error.Remedy);
        // The refused runner let go of the advisory lock it took while looking (its session closes asynchronously, so
        // look again for a while before concluding it did not).
        // The lease's lock lives in the maintenance database, keyed by this database and the environment.
        var held = $"""
            SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 1
            AND ((classid::bigint << 32) | objid::bigint) = hashtextextended('{PostgresLeaseProvider.LockName(database.Name, "staging")}', 0)
            """;
        var advisoryLocks = await TestSql.ScalarAsync<long>(database.ConnectionString, held, ct);
        for (var look = 0; advisoryLocks > 0 && look < 100; look++)
        {
            await Task.Delay(50, ct);
            advisoryLocks = await TestSql.ScalarAsync<long>(database.ConnectionString, held, ct);
        }
        Assert.Equal(0L, advisoryLocks);
    }

    [Fact]
    public async Task The_heartbeat_renews_the_lease_and_losing_the_session_cancels_the_holder()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await postgres.CreateDatabaseAsync(ct);
        await using var target = new PostgresMigrationDatabase(database.ConnectionString,
            new LeaseOptions(TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(50)));
        await using var lease = await target.Providers.Leases.AcquireAsync("local", RunnerA, ct);
        var acquired = lease.Holder.HeartbeatAt;

        while (lease.Holder.HeartbeatAt == acquired) await Task.Delay(20, ct);
        var row = (await target.Providers.Leases.ReadHolderAsync("local", ct))!;
        Assert.True(row.HeartbeatAt > acquired);
        Assert.Equal(row.HeartbeatAt + TimeSpan.FromSeconds(5), row.ExpiresAt);

        // An operator ends the lease's session: the advisory lock goes with it, and the holder must stop acting.
        await TestSql.ExecuteAsync(database.ConnectionString,
            "SELECT pg_terminate_backend(holder_pid) FROM sluice.leases WHERE environment = 'local'", ct);
        await Task.Delay(Timeout.Infinite, lease.Lost).ContinueWith(_ => { }, TaskScheduler.Default).WaitAsync(ct);
        Assert.True(lease.Lost.IsCancellationRequested);
        // The holder is told first and journals the loss right after, on its own connection: look for a while.
        var events = await target.Providers.Journal.ReadEventsAsync(null, ct);
        for (var look = 0; !events.Any(e => e.Kind == JournalEventKind.LeaseLost) && look < 100; look++)
        {
            await Task.Delay(50, ct);
            events = await target.Providers.Journal.ReadEventsAsync(null, ct);
        }
        Assert.Contains(events, e => e.Kind == JournalEventKind.LeaseLost);
    }

    /// <summary>A lease row of the 'staging' environment written by a holder whose session is gone (no advisory lock).</summary>
    private static Task InsertLeaseAsync(string connectionString, string user, string host, string acquired, string heartbeat, string expires,
        CancellationToken cancellationToken) =>
        TestSql.ExecuteAsync(connectionString, $"""
            INSERT INTO sluice.leases (environment, token, holder_user, holder_host, ci_run_url, acquired_at, heartbeat_at, expires_at)
            VALUES ('staging', gen_random_uuid(), '{user}', '{host}', NULL,
                    now() + interval '{acquired}', now() + interval '{heartbeat}', now() + interval '{expires}')
            """, cancellationToken);
}
