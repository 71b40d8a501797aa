using Npgsql;
using Sluice.Errors;
using Sluice.Migrations.Journal;
using Sluice.Postgres.Releases;
using Sluice.Postgres.Tests.Releases;
using Sluice.Testing.Postgres;

namespace Sluice.Postgres.Tests.Migrations;

/// <summary>A plan's <c>slo:</c> enforced on a real run with concurrent writers: a backfill whose batches cannot stay
/// within the lock-hold bound is throttled first, then stopped, and Promote rolls the plan back.</summary>
public sealed class BackfillSloTests(PostgresFixture postgres)
{
    private const string PlanId = "0001_split_customer_name";

    [Fact]
    public async Task A_backfill_that_cannot_stay_within_its_slo_is_throttled_then_stopped_and_rolled_back()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await ShopDatabase.CreateAsync(postgres, ct, extraCustomers: 20_000);
        // Every batch sleeps 300 ms holding its row locks, whatever its size: 150 ms is out of reach.
        using var plans = PlanCopy.Sample(
            ("max_partial_state: 2d\n", "max_partial_state: 2d\nslo:\n  longest_lock_hold: 150ms\n  longest_write_block: 1s\n"),
            ("target_batch_time: 200ms", "target_batch_time: 100ms"));
        var batchFile = Path.Combine(plans.SampleFolder, "02_backfill.batch.sql");
        File.WriteAllText(batchFile, File.ReadAllText(batchFile)
            .Replace("UPDATE customers\n", "WITH pause AS MATERIALIZED (SELECT pg_sleep(0.3))\nUPDATE customers\n", StringComparison.Ordinal)
            .Replace("WHERE id > @lower", "FROM pause WHERE id > @lower", StringComparison.Ordinal));
        await using var release = new PostgresReleaseDatabase(database.ConnectionString);

        using var stop = new CancellationTokenSource();
        var writers = Enumerable.Range(0, 2).Select(w => Task.Run(() => WriteAsync(database.ConnectionString, w, stop.Token), CancellationToken.None)).ToArray();
        var error = await Assert.ThrowsAsync<SluiceException>(() => release.Service().PromoteAsync(ReleaseFixtures.Promote(release, plans), null, ct));
        await stop.CancelAsync();
        var writes = (await Task.WhenAll(writers)).Sum();

        Assert.Equal((ErrorCodes.PromoteFailed, ErrorKind.Failure), (error.Code, error.Kind));
        Assert.Equal(ErrorCodes.SloBreached, Assert.IsType<SluiceException>(error.InnerException).Code);
        Assert.Contains("cannot stay within its slo: a batch of", error.Message);
        Assert.Contains("above the slo's 150 ms", error.Message);
        Assert.Contains($"rolled back automatically: {PlanId}", error.Message);
        Assert.True(writes > 0, "the writers wrote while the backfill ran");
        var events = await release.Migrations.Providers.Journal.ReadEventsAsync(PlanId, ct);
        // Throttled first (two breaches shrink the batch), stopped on the third.
        Assert.Equal(2, events.Count(e => e.Kind == JournalEventKind.BackfillThrottled && e.Message.StartsWith("slo: ", StringComparison.Ordinal)));
        Assert.Contains(events, e => e.Kind == JournalEventKind.PhaseFailed && e.Phase == "backfill_split_name" && e.Message.Contains("slo", StringComparison.Ordinal));
        Assert.Equal(JournalStatus.Reverted, (await release.Migrations.Providers.Journal.FindPlanAsync(PlanId, ct))!.Status);
        Assert.False(await TestSql.ScalarAsync<bool>(database.ConnectionString,
            "SELECT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_name = 'customers' AND column_name = 'first_name')", ct));
    }

    /// <summary>Updates random customers' names until stopped; returns how many writes succeeded (none may fail).</summary>
    private static async Task<int> WriteAsync(string connectionString, int seed, CancellationToken stop)
    {
        var random = new Random(seed);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(CancellationToken.None);
        var writes = 0;
        while (!stop.IsCancellationRequested)
        {
            await using var update = new NpgsqlCommand("UPDATE customers SET full_name = $1 WHERE id = $2", connection);
            update.Parameters.Add(new() { Value = $"Writer{seed} Name{writes}" });
            update.Parameters.Add(new() { Value = (long)(1 + random.Next(20_000)) });
            await update.ExecuteNonQueryAsync(CancellationToken.None);
            writes++;
            await Task.Delay(5, CancellationToken.None);
        }
        return writes;
    }
}
