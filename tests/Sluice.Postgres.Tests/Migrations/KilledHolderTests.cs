using System.Diagnostics;
using Sluice.Migrations.Journal;
using Sluice.Migrations.Status;
using Sluice.Postgres.Migrations;
using Sluice.Testing.Postgres;

namespace Sluice.Postgres.Tests.Migrations;

/// <summary>
/// A runner SIGKILLed while it holds the lease: its session is provably gone, so the next runner takes over at once
/// instead of waiting out the lease's 60 s; a live holder still turns the next runner away with exit 3.
/// </summary>
public sealed class KilledHolderTests(PostgresFixture postgres)
{
    private const string DefaultTtl = "60s";

    [Fact]
    public async Task The_next_run_after_a_killed_holder_takes_over_at_once_and_journals_the_takeover()
    {
        var ct = TestContext.Current.CancellationToken;
        using var plans = PlanCopy.Sample(("initial_batch_size: 1000", "initial_batch_size: 100"), ("min_batch_size: 100", "min_batch_size: 100"),
            ("max_batch_size: 20000", "max_batch_size: 100"));
        await using var database = await ShopDatabase.CreateAsync(postgres, ct, extraCustomers: 5_000);

        var (_, output, killed) = await CrashHostProcess.RunAsync(database.ConnectionString, plans.Pipelines, killAfterBatch: 3, TimeSpan.Zero, DefaultTtl, ct);
        Assert.True(killed, $"the host finished before it could be killed:\n{output}");
        var killedAt = Stopwatch.StartNew();

        // The row still names the dead holder and its lease runs for a minute, but its backend is gone: Status says so.
        await using var journal = new PostgresMigrationDatabase(database.ConnectionString);
        var holder = await journal.Providers.Leases.ReadHolderAsync("local", ct);
        // The server ends a dead client's backend when it next reads from its socket: a moment, not a minute.
        while (holder?.SessionGone != true && killedAt.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(50, ct);
            holder = await journal.Providers.Leases.ReadHolderAsync("local", ct);
        }
        Assert.NotNull(holder);
        Assert.True(holder.SessionGone, "the killed holder's backend still exists");
        Assert.True(holder.ExpiresAt > DateTimeOffset.UtcNow.AddSeconds(30), $"the lease expires {holder.ExpiresAt:u}: the test would not show the wait is skipped");
        var status = new MigrationStatusReport("local", [], holder).Render();
        Assert.Contains($"its session (backend pid {holder.BackendPid}) is gone", status);

        var (exitCode, rerun, _) = await CrashHostProcess.RunAsync(database.ConnectionString, plans.Pipelines, null, TimeSpan.Zero, DefaultTtl, ct);
        var tookOver = killedAt.Elapsed;

        Assert.True(exitCode == 0, $"the second run failed (exit {exitCode}):\n{rerun}");
        Assert.True(tookOver < TimeSpan.FromSeconds(30), $"the second run took {tookOver.TotalSeconds:F1} s after the kill (lease TTL 60 s)");
        var takeover = Assert.Single(await journal.Providers.Journal.ReadEventsAsync(null, ct), e => e.Kind == JournalEventKind.LeaseTakenOver);
        Assert.Contains("from crash-host@", takeover.Message);
        Assert.Contains($"its session (backend pid {holder.BackendPid}) is gone", takeover.Message);
        Assert.Null(await journal.Providers.Leases.ReadHolderAsync("local", ct));
    }

    [Fact]
    public async Task A_live_holder_still_turns_the_next_runner_away_with_exit_3_naming_it()
    {
        var ct = TestContext.Current.CancellationToken;
        using var plans = PlanCopy.Sample();
        await using var database = await ShopDatabase.CreateAsync(postgres, ct);
        await using var holderDatabase = new PostgresMigrationDatabase(database.ConnectionString);
        var alive = new RunnerIdentity("alive", "holder-host", null);
        await using var lease = await holderDatabase.Providers.Leases.AcquireAsync("local", alive, ct);

        var (exitCode, output, _) = await CrashHostProcess.RunAsync(database.ConnectionString, plans.Pipelines, null, TimeSpan.Zero, DefaultTtl, ct);

        Assert.True(exitCode == 3, $"expected busy (exit 3), got {exitCode}:\n{output}");
        Assert.Contains("SLU040", output);
        Assert.Contains("held by alive@holder-host since", output);
        Assert.False((await holderDatabase.Providers.Leases.ReadHolderAsync("local", ct))!.SessionGone);
        Assert.DoesNotContain(await holderDatabase.Providers.Journal.ReadEventsAsync(null, ct), e => e.Kind == JournalEventKind.LeaseTakenOver);
    }
}
