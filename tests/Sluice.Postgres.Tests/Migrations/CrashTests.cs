using Sluice.Migrations.Journal;
using Sluice.Migrations.Running;
using Sluice.Postgres.Migrations;
using Sluice.Testing.Postgres;

namespace Sluice.Postgres.Tests.Migrations;

/// <summary>
/// The runner in a child process, SIGKILLed at random instants of its backfill and started again until it finishes:
/// the table must end exactly as after an uninterrupted run, and the checkpoint must show every row done once.
/// </summary>
public sealed class CrashTests(PostgresFixture postgres)
{
    private const int ExtraCustomers = 20_000;
    private const int Kills = 12;
    private const int Seed = 20260126;

    [Fact]
    public async Task Killing_the_runner_at_random_points_loses_and_repeats_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        using var plans = PlanCopy.Sample(("initial_batch_size: 1000", "initial_batch_size: 100"), ("min_batch_size: 100", "min_batch_size: 100"),
            ("max_batch_size: 20000", "max_batch_size: 100"));
        await using var crashed = await ShopDatabase.CreateAsync(postgres, ct, ExtraCustomers);
        await using var reference = await ShopDatabase.CreateAsync(postgres, ct, ExtraCustomers);

        await using (var target = new PostgresMigrationDatabase(reference.ConnectionString))
            Assert.Equal(MigrationOutcome.Completed,
                (await target.Service().MigrateAsync(new MigrationRequest(plans.Pipelines, null, "local", By: new RunnerIdentity("reference", "host", null)), null, ct)).Outcome);

        var random = new Random(Seed);
        var kills = 0;
        var busyRetries = 0;
        var runs = 0;
        while (true)
        {
            Assert.True(++runs < 400, $"no end after {runs} runs ({kills} kills, {busyRetries} busy)");
            // Kill after the k-th batch report plus a few milliseconds: somewhere inside a later batch or between two.
            int? killAfterBatch = kills < Kills ? random.Next(1, 12) : null;
            var jitter = TimeSpan.FromMilliseconds(random.Next(0, 15));
            var (exitCode, output, killed) = await CrashHostProcess.RunAsync(crashed.ConnectionString, plans.Pipelines, killAfterBatch, jitter, "1s", ct);
            if (killed)
            {
                kills++;
                continue;
            }
            if (exitCode == 3)
            {
                // The killed holder's backend can outlive it for a moment (until the server reads its closed socket); once
                // it is gone the lease is taken over at once.
                busyRetries++;
                await Task.Delay(200, ct);
                continue;
            }
            Assert.True(exitCode == 0, $"the host failed (exit {exitCode}):\n{output}");
            break;
        }

        Assert.True(kills >= Kills, $"only {kills} kills");
        // Row for row: the md5 of every row's text in key order, on both databases.
        Assert.Equal(await ShopDatabase.CustomersFingerprintAsync(reference.ConnectionString, ct),
            await ShopDatabase.CustomersFingerprintAsync(crashed.ConnectionString, ct));
        await using var journal = new PostgresMigrationDatabase(crashed.ConnectionString);
        var checkpoint = await journal.Providers.Backfills.ReadCheckpointAsync("0001_split_customer_name", "backfill_split_name", ct);
        var rows = 2000 + ExtraCustomers;
        // Every row changed exactly once, in exactly rows/100 batches: no batch was lost or applied twice.
        Assert.Equal((rows, rows / 100, true), (checkpoint!.RowsDone, checkpoint.Batches, checkpoint.Completed));
        var events = await journal.Providers.Journal.ReadEventsAsync(null, ct);
        Assert.Contains(events, e => e.Kind == JournalEventKind.LeaseTakenOver);
        Assert.Null(await journal.Providers.Leases.ReadHolderAsync("local", ct));
    }
}
