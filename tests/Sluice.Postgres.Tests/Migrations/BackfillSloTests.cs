using System.Collections.Concurrent;
using System.Diagnostics;
using Npgsql;
using Sluice.Errors;
using Sluice.Migrations.Journal;
using Sluice.Migrations.Running;
using Sluice.Postgres.Migrations;
using Sluice.Postgres.Releases;
using Sluice.Postgres.Tests.Rehearsal;
using Sluice.Postgres.Tests.Releases;
using Sluice.Testing.Postgres;

namespace Sluice.Postgres.Tests.Migrations;

/// <summary>A plan's <c>slo:</c> enforced on a real run with concurrent writers: a backfill whose batches cannot stay
/// within the lock-hold bound, or that raises the writers' p99 (read from <c>pg_stat_statements</c>, on a cluster that
/// preloads it) past <c>writer_p99_increase</c>, is throttled first, then stopped, and Promote rolls the plan back.</summary>
public sealed class BackfillSloTests(PostgresFixture postgres, StatementStatsPostgresFixture stats) : IClassFixture<StatementStatsPostgresFixture>
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
        SleepInEveryBatch(plans, 0.3);
        await using var release = new PostgresReleaseDatabase(database.ConnectionString);

        using var stop = new CancellationTokenSource();
        var writers = Enumerable.Range(0, 2).Select(w => Task.Run(() => WriteAsync(database.ConnectionString, w, 20_000, stop.Token), CancellationToken.None)).ToArray();
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
        // Throttled first, stopped on the third breach, or on the second when the batch size reached its minimum by
        // then (the batch sizer takes it there at once when a writer happened to wait on a batch's commit: its rule 6).
        Assert.InRange(events.Count(e => e.Kind == JournalEventKind.BackfillThrottled && e.Message.StartsWith("slo: ", StringComparison.Ordinal)), 1, 2);
        Assert.Contains(events, e => e.Kind == JournalEventKind.PhaseFailed && e.Phase == "backfill_split_name" && e.Message.Contains("slo", StringComparison.Ordinal));
        Assert.Equal(JournalStatus.Reverted, (await release.Migrations.Providers.Journal.FindPlanAsync(PlanId, ct))!.Status);
        Assert.False(await TestSql.ScalarAsync<bool>(database.ConnectionString,
            "SELECT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_name = 'customers' AND column_name = 'first_name')", ct));
    }

    /// <summary>The shape of schema public (columns, indexes, triggers, functions), order-free, as one text.</summary>
    private const string PublicShape = """
        SELECT md5(string_agg(x, E'\n' ORDER BY x)) FROM (
            SELECT format('column %s.%s %s %s', table_name, column_name, data_type, is_nullable) AS x FROM information_schema.columns WHERE table_schema = 'public'
            UNION ALL SELECT format('index %s', indexdef) FROM pg_indexes WHERE schemaname = 'public'
            UNION ALL SELECT format('trigger %s on %s', tgname, tgrelid::regclass) FROM pg_trigger WHERE NOT tgisinternal
            UNION ALL SELECT format('function %s', p.oid::regprocedure) FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace) shape
        """;

    [Fact]
    public async Task A_backfill_that_raises_the_writers_p99_past_the_bound_is_throttled_then_stopped_and_rolled_back()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await ShopDatabase.CreateAsync(stats, ct, extraCustomers: 3_000);
        await TestSql.ExecuteAsync(database.ConnectionString, "CREATE EXTENSION pg_stat_statements", ct);
        var shape = await TestSql.ScalarAsync<string>(database.ConnectionString, PublicShape, ct);
        // Batches of 400 of the 5,000 customers, each holding its row locks for 300 ms: about one write in twelve
        // meets a locked row and waits up to 300 ms, where the writers alone take well under a millisecond; pausing
        // between batches as long as a batch halves that, still several times the 1 in 100 a p99 allows.
        using var plans = PlanCopy.SampleUpToBackfill(400, ("max_partial_state: 2d\n", "max_partial_state: 2d\nslo:\n  writer_p99_increase: 1.2x\n"));
        SleepInEveryBatch(plans, 0.3, holdingRowLocks: true);
        await using var release = new PostgresReleaseDatabase(database.ConnectionString);

        using var stop = new CancellationTokenSource();
        var latencies = new ConcurrentQueue<(long At, double Ms)>();
        long? batchesFrom = null;
        var progress = new RecordingProgress(p =>
        {
            if (p.Message.Contains("before the backfill: an estimated", StringComparison.Ordinal)) batchesFrom ??= Stopwatch.GetTimestamp();
        });
        var writers = Enumerable.Range(0, 2).Select(w => Task.Run(() => WriteAsync(database.ConnectionString, w, 5_000, stop.Token, latencies), CancellationToken.None)).ToArray();
        var error = await Assert.ThrowsAsync<SluiceException>(() => release.Service().PromoteAsync(ReleaseFixtures.Promote(release, plans), progress, ct));
        await stop.CancelAsync();
        var writes = (await Task.WhenAll(writers)).Sum();

        Assert.Equal((ErrorCodes.PromoteFailed, ErrorKind.Failure), (error.Code, error.Kind));
        var stopped = Assert.IsType<SluiceException>(error.InnerException);
        Assert.Equal(ErrorCodes.SloBreached, stopped.Code);
        Assert.Contains("cannot stay within its slo: the writers' p99 on customers rose to an estimated", error.Message);
        Assert.Contains("above the slo's writer_p99_increase of 1.2x", error.Message);
        Assert.Contains("pg_stat_statements' means and deviations", error.Message);
        Assert.Contains($"rolled back automatically: {PlanId}", error.Message);
        Assert.True(writes > 0, "the writers wrote while the backfill ran");
        Assert.Contains(progress.Reports, r => r.Message.StartsWith("slo: the writers' p99 on customers before the backfill", StringComparison.Ordinal));

        var events = await release.Migrations.Providers.Journal.ReadEventsAsync(PlanId, ct);
        var throttles = events.Where(e => e.Kind == JournalEventKind.BackfillThrottled && e.Message.StartsWith("slo: the writers' p99", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(throttles);   // throttled (paced) first
        Assert.All(throttles, t => Assert.Contains("ms between batches", t.Message));
        Assert.Contains(events, e => e.Kind == JournalEventKind.PhaseFailed && e.Phase == "backfill_split_name" && e.Message.Contains("writer_p99_increase", StringComparison.Ordinal));
        Assert.DoesNotContain(events, e => e.Kind == JournalEventKind.BackfillDone);
        Assert.DoesNotContain(events, e => e.Kind == JournalEventKind.SloNotEnforced);
        // Rolled back: the schema as before the plan, every customer still there.
        Assert.Equal(JournalStatus.Reverted, (await release.Migrations.Providers.Journal.FindPlanAsync(PlanId, ct))!.Status);
        Assert.Equal(shape, await TestSql.ScalarAsync<string>(database.ConnectionString, PublicShape, ct));
        Assert.Equal(5_000, await TestSql.ScalarAsync<long>(database.ConnectionString, "SELECT count(*) FROM customers", ct));

        // What the clients measured themselves, beside the estimates the journal gives (for the record, not asserted).
        var output = TestContext.Current.TestOutputHelper;
        foreach (var e in events.Where(e => e.Kind is JournalEventKind.BackfillThrottled or JournalEventKind.PhaseFailed)) output?.WriteLine($"{e.Kind}: {e.Message}");
        if (batchesFrom is { } from)
            output?.WriteLine($"client-side p99: {ClientP99(latencies, l => l.At < from):F2} ms before the first batch, {ClientP99(latencies, l => l.At >= from):F2} ms from it on ({writes} writes)");
    }

    [Fact]
    public async Task A_backfill_within_a_generous_writer_p99_bound_completes_and_says_what_it_judged()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await ShopDatabase.CreateAsync(stats, ct, extraCustomers: 3_000);
        await TestSql.ExecuteAsync(database.ConnectionString, "CREATE EXTENSION pg_stat_statements", ct);
        // Writers that insert new customers meet no row lock of the backfill; 1000x leaves room for a loaded machine.
        using var plans = PlanCopy.SampleUpToBackfill(250, ("max_partial_state: 2d\n", "max_partial_state: 2d\nslo:\n  writer_p99_increase: 1000x\n"));
        SleepInEveryBatch(plans, 0.1);   // so the backfill lasts a few seconds: windows to judge
        await using var release = new PostgresReleaseDatabase(database.ConnectionString);

        using var stop = new CancellationTokenSource();
        var writers = Enumerable.Range(0, 2).Select(w => Task.Run(() => InsertAsync(database.ConnectionString, w, stop.Token), CancellationToken.None)).ToArray();
        var result = await release.Service().PromoteAsync(ReleaseFixtures.Promote(release, plans), null, ct);
        await stop.CancelAsync();
        var writes = (await Task.WhenAll(writers)).Sum();

        Assert.True(writes > 0, "the writers wrote while the backfill ran");
        var events = await release.Migrations.Providers.Journal.ReadEventsAsync(PlanId, ct);
        var done = Assert.Single(events, e => e.Kind == JournalEventKind.BackfillDone);
        Assert.Matches(@"writers' p99 judged in [1-9]\d* window\(s\), at most [\d.]+x the baseline's \(slo 1000x\)", done.Message);
        Assert.DoesNotContain(events, e => e.Kind == JournalEventKind.BackfillThrottled);
        Assert.Equal(JournalStatus.Done, (await release.Migrations.Providers.Journal.FindPlanAsync(PlanId, ct))!.Status);
        Assert.Equal(0, await ShopDatabase.OutOfStepRowsAsync(database.ConnectionString, ct));
        TestContext.Current.TestOutputHelper?.WriteLine($"{result.Outcome}: {done.Message}");

        // The batch ran marked, and the watch leaves it out: what it reads are the writers' inserts alone.
        Assert.Equal(1, await TestSql.ScalarAsync<long>(database.ConnectionString,
            """
            SELECT count(*) FROM pg_stat_statements WHERE query LIKE '%WITH /* sluice backfill */ pause%' AND calls > 0
              AND dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
            """, ct));
        await using var source = NpgsqlDataSource.Create(database.ConnectionString);
        var reading = await new PostgresWriterLatency(source).ReadAsync("customers", ct);
        Assert.Null(reading.Unobservable);
        async Task<string> KeyOf(string like) => await TestSql.ScalarAsync<string>(database.ConnectionString, $"""
            SELECT userid::text || '/' || queryid::text FROM pg_stat_statements
            WHERE toplevel AND query LIKE '{like}' AND dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
            """, ct);
        Assert.Contains(await KeyOf("INSERT INTO customers (full_name, email) VALUES%"), reading.Statements.Keys);
        Assert.DoesNotContain(await KeyOf("%WITH /* sluice backfill */ pause%"), reading.Statements.Keys);
        Assert.DoesNotContain(await KeyOf("SELECT min(\"id\"), max(\"id\"), count(*) FROM (SELECT \"id\" FROM \"customers\" WHERE%"), reading.Statements.Keys);
    }

    [Fact]
    public async Task A_role_that_cannot_see_other_roles_statements_is_told_to_get_pg_read_all_stats_not_that_writers_are_few()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await ShopDatabase.CreateAsync(stats, ct);
        await TestSql.ExecuteAsync(database.ConnectionString, "CREATE EXTENSION pg_stat_statements", ct);
        // The application writes as its own role (here the admin); the watch runs as a role without pg_read_all_stats,
        // to which the server hides other roles' query ids and texts.
        await TestSql.ExecuteAsync(database.ConnectionString, "UPDATE customers SET full_name = full_name WHERE id = 1", ct);
        var role = $"sluice_watch_{Guid.NewGuid():N}"[..40];
        await TestSql.ExecuteAsync(stats.AdminConnectionString, $"CREATE ROLE {role} LOGIN PASSWORD 'pw'", ct);
        try
        {
            var watcher = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Username = role, Password = "pw", Pooling = false }.ConnectionString;
            await using (var source = NpgsqlDataSource.Create(watcher))
            {
                var hidden = await new PostgresWriterLatency(source).ReadAsync("customers", ct);
                Assert.Contains($"shows role {role} neither the text nor the query id of other roles' statements", hidden.Unobservable);
                Assert.Contains("pg_read_all_stats", hidden.Remedy);
            }

            await TestSql.ExecuteAsync(stats.AdminConnectionString, $"GRANT pg_read_all_stats TO {role}", ct);
            await using (var source = NpgsqlDataSource.Create(watcher))
            {
                var seen = await new PostgresWriterLatency(source).ReadAsync("customers", ct);
                Assert.Null(seen.Unobservable);
                Assert.NotEmpty(seen.Statements);   // the admin's UPDATE of customers
            }
        }
        finally
        {
            await TestSql.ExecuteAsync(stats.AdminConnectionString, $"DROP ROLE IF EXISTS {role}", ct);
        }
    }

    [Theory]
    [InlineData("UPDATE customers SET a = 1", "UPDATE /* sluice backfill */ customers SET a = 1")]
    [InlineData("-- one batch\n-- idempotent\nWITH pause AS (SELECT 1)\nUPDATE t", "-- one batch\n-- idempotent\nWITH /* sluice backfill */ pause AS (SELECT 1)\nUPDATE t")]
    [InlineData("/* a */ update t", "/* a */ update /* sluice backfill */ t")]
    public void The_batch_carries_its_mark_after_its_first_keyword(string batch, string sent) =>
        Assert.Equal(sent, PostgresBackfillExecutor.Marked(batch));

    [Fact]
    public async Task Without_pg_stat_statements_the_run_says_once_that_writer_p99_increase_is_not_enforced_and_why()
    {
        var ct = TestContext.Current.CancellationToken;
        using var plans = PlanCopy.SampleUpToBackfill(500, ("max_partial_state: 2d\n", "max_partial_state: 2d\nslo:\n  writer_p99_increase: 2x\n"));
        // Not installed in the database; then installed but not loaded by the server (the plain cluster does not preload it).
        foreach (var (install, says, remedy) in new[]
                 {
                     (false, "pg_stat_statements is not installed in database", "CREATE EXTENSION pg_stat_statements"),
                     (true, "pg_stat_statements cannot be read", "shared_preload_libraries"),
                 })
        {
            await using var database = await ShopDatabase.CreateAsync(postgres, ct);
            if (install) await TestSql.ExecuteAsync(database.ConnectionString, "CREATE EXTENSION pg_stat_statements", ct);
            await using var release = new PostgresReleaseDatabase(database.ConnectionString);
            var progress = new RecordingProgress();

            await release.Service().PromoteAsync(ReleaseFixtures.Promote(release, plans), progress, ct);

            var warning = Assert.Single(progress.Reports, r => r.Step == MigrationStep.SloNotEnforced);
            Assert.StartsWith("slo: writer_p99_increase is not enforced: ", warning.Message);
            Assert.Contains(says, warning.Message);
            Assert.Contains(remedy, warning.Message);
            var events = await release.Migrations.Providers.Journal.ReadEventsAsync(PlanId, ct);
            Assert.Equal(warning.Message, Assert.Single(events, e => e.Kind == JournalEventKind.SloNotEnforced).Message);
            Assert.Equal(JournalStatus.Done, (await release.Migrations.Providers.Journal.FindPlanAsync(PlanId, ct))!.Status);
            Assert.Equal(0, await ShopDatabase.OutOfStepRowsAsync(database.ConnectionString, ct));
        }
    }

    /// <summary>Makes every batch of the sample's backfill sleep <paramref name="seconds"/> in its transaction: before its
    /// UPDATE (a long transaction that holds few row locks for long), or with <paramref name="holdingRowLocks"/> after
    /// it, holding the locks of every row it updated until it commits.</summary>
    private static void SleepInEveryBatch(PlanCopy plans, double seconds, bool holdingRowLocks = false)
    {
        var batchFile = Path.Combine(plans.SampleFolder, "02_backfill.batch.sql");
        var pause = $"pg_sleep({seconds.ToString(System.Globalization.CultureInfo.InvariantCulture)})";
        var sql = File.ReadAllText(batchFile);
        File.WriteAllText(batchFile, holdingRowLocks
            ? sql.TrimEnd() + $"\nSELECT {pause};\n"
            : sql.Replace("UPDATE customers\n", $"WITH pause AS MATERIALIZED (SELECT {pause})\nUPDATE customers\n", StringComparison.Ordinal)
                .Replace("WHERE id > @lower", "FROM pause WHERE id > @lower", StringComparison.Ordinal));
    }

    private static double ClientP99(IEnumerable<(long At, double Ms)> latencies, Func<(long At, double Ms), bool> which)
    {
        var sorted = latencies.Where(which).Select(l => l.Ms).Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(0.99 * sorted.Count) - 1)];
    }

    /// <summary>Updates random customers (ids 1 to <paramref name="rows"/>) until stopped: their names, or with
    /// <paramref name="latencies"/> their created_at (which leaves the split columns for the backfill to lock); returns
    /// how many writes succeeded (none may fail), and keeps each one's time as the client saw it.</summary>
    private static async Task<int> WriteAsync(string connectionString, int seed, int rows, CancellationToken stop,
        ConcurrentQueue<(long At, double Ms)>? latencies = null)
    {
        var random = new Random(seed);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(CancellationToken.None);
        var writes = 0;
        while (!stop.IsCancellationRequested)
        {
            await using var update = new NpgsqlCommand(latencies is null
                ? "UPDATE customers SET full_name = $2 WHERE id = $1"
                : "UPDATE customers SET created_at = created_at + interval '1 second' WHERE id = $1", connection);
            update.Parameters.Add(new() { Value = (long)(1 + random.Next(rows)) });
            if (latencies is null) update.Parameters.Add(new() { Value = $"Writer{seed} Name{writes}" });
            var started = Stopwatch.GetTimestamp();
            await update.ExecuteNonQueryAsync(CancellationToken.None);
            latencies?.Enqueue((started, Stopwatch.GetElapsedTime(started).TotalMilliseconds));
            writes++;
            await Task.Delay(5, CancellationToken.None);
        }
        return writes;
    }

    /// <summary>Inserts new customers until stopped; returns how many (none may fail).</summary>
    private static async Task<int> InsertAsync(string connectionString, int seed, CancellationToken stop)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(CancellationToken.None);
        var writes = 0;
        while (!stop.IsCancellationRequested)
        {
            await using var insert = new NpgsqlCommand("INSERT INTO customers (full_name, email) VALUES ($1, $2)", connection);
            insert.Parameters.Add(new() { Value = $"Writer{seed} Name{writes}" });
            insert.Parameters.Add(new() { Value = $"writer{seed}-{writes}@example.com" });
            await insert.ExecuteNonQueryAsync(CancellationToken.None);
            writes++;
            await Task.Delay(5, CancellationToken.None);
        }
        return writes;
    }
}
