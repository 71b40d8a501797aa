using Npgsql;
using Sluice.Errors;
using Sluice.Migrations.Journal;
using Sluice.Migrations.Plans;
using Sluice.Migrations.Running;
using Sluice.Postgres.Migrations;
using Sluice.Testing.Postgres;

namespace Sluice.Postgres.Tests.Migrations;

public sealed class SampleMigrationTests(PostgresFixture postgres)
{
    private static readonly RunnerIdentity Alice = new("alice", "laptop", "https://github.com/acme/shop/actions/runs/1");

    [Fact]
    public async Task The_sample_plan_runs_every_phase_journals_it_and_a_second_run_only_re_verifies()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await ShopDatabase.CreateAsync(postgres, ct);
        using var plans = PlanCopy.Sample();
        await using var target = new PostgresMigrationDatabase(database.ConnectionString);
        var request = new MigrationRequest(plans.Pipelines, null, "local", By: Alice);
        var progress = new RecordingProgress();

        var result = await target.Service().MigrateAsync(request, progress, ct);

        Assert.Equal(MigrationOutcome.Completed, result.Outcome);
        Assert.All(result.Phases, p => Assert.Equal(PhaseOutcome.Applied, p.Outcome));
        Assert.Equal(5, result.Phases.Count);
        // The split itself, including the one-word and three-word names of the seed data.
        Assert.Equal(("Grace", "de Turing"), await NamesAsync(database.ConnectionString, "customer7@example.com", ct));
        Assert.Equal(("Cher", null), await NamesAsync(database.ConnectionString, "customer100@example.com", ct));
        Assert.Equal(0L, await TestSql.ScalarAsync<long>(database.ConnectionString, "SELECT count(*) FROM customers WHERE first_name IS NULL", ct));
        Assert.False(await TestSql.ScalarAsync<bool>(database.ConnectionString,
            "SELECT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_name = 'customers' AND column_name = 'full_name')", ct));
        Assert.True(await TestSql.ScalarAsync<bool>(database.ConnectionString,
            "SELECT enabled FROM sluice.feature_flags WHERE name = 'customers.read_split_name'", ct));
        Assert.Contains(progress.Reports, r => r.Step == MigrationStep.Backfill && r.Backfill is { RowsDone: 2000 });

        var status = await target.Service().StatusAsync(request, ct);
        var plan = Assert.Single(status.Plans);
        Assert.Equal(JournalStatus.Done, plan.Status);
        Assert.All(plan.Phases, p =>
        {
            Assert.Equal(JournalStatus.Done, p.Status);
            Assert.True(p.FinishedAt >= p.StartedAt);
        });
        Assert.Equal(2000, plan.Phases[1].Checkpoint!.RowsDone);
        Assert.True(plan.Phases[1].Checkpoint!.Completed);
        Assert.Null(status.LeaseHolder);
        Assert.Contains("add_split_columns [expand] done", status.Render());

        var again = await target.Service().MigrateAsync(request, null, ct);
        Assert.All(again.Phases, p => Assert.Equal(PhaseOutcome.AlreadyDone, p.Outcome));
        var events = await target.Providers.Journal.ReadEventsAsync("0001_split_customer_name", ct);
        Assert.Equal(5, events.Count(e => e.Kind == JournalEventKind.PhaseSkipped));
        Assert.Equal(5, events.Count(e => e.Kind == JournalEventKind.Verified)); // 4 on the first run; then only the latest done phase
        Assert.All(events, e => Assert.Equal(Alice, e.By));
    }

    [Fact]
    public async Task A_plan_changed_after_it_was_applied_is_refused_naming_both_hashes()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await ShopDatabase.CreateAsync(postgres, ct);
        using var plans = PlanCopy.Sample();
        await using var target = new PostgresMigrationDatabase(database.ConnectionString);
        var request = new MigrationRequest(plans.Pipelines, null, "local", By: Alice);
        await target.Service().MigrateAsync(request, null, ct);
        var applied = PlanLoader.Load(plans.SampleFolder).Hash;

        await File.AppendAllTextAsync(Path.Combine(plans.SampleFolder, "05_drop_full_name.up.sql"), "\n-- edited after the fact\n", ct);
        var changed = PlanLoader.Load(plans.SampleFolder).Hash;
        var error = await Assert.ThrowsAsync<SluiceException>(() => target.Service().MigrateAsync(request, null, ct));

        Assert.Equal((ErrorKind.Usage, ErrorCodes.PlanChanged), (error.Kind, error.Code));
        Assert.Contains("0001_split_customer_name", error.Message);
        Assert.Contains(applied, error.Message);
        Assert.Contains(changed, error.Message);
        Assert.True((await target.Service().StatusAsync(request, ct)).Plans[0].HashChanged);
    }

    [Fact]
    public async Task A_time_budget_stops_the_backfill_at_a_checkpoint_and_the_next_run_continues()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await ShopDatabase.CreateAsync(postgres, ct, extraCustomers: 3000);
        using var plans = PlanCopy.SampleUpToBackfill(batchSize: 250);
        await using var target = new PostgresMigrationDatabase(database.ConnectionString);
        // The clock moves only when the test says so: the budget runs out after the third batch, whatever the machine's speed.
        var clock = new ManualClock();
        var progress = new RecordingProgress(r =>
        {
            if (r.Step == MigrationStep.Backfill && r.Backfill!.Batches == 3) clock.Advance(TimeSpan.FromMinutes(10));
        });
        var request = new MigrationRequest(plans.Pipelines, null, "local", TimeBudget: TimeSpan.FromMinutes(5), By: Alice);

        var first = await target.Service(clock).MigrateAsync(request, progress, ct);

        Assert.Equal(MigrationOutcome.Incomplete, first.Outcome);
        var incomplete = Assert.Throws<SluiceException>(() => first.ThrowIfIncomplete());
        Assert.Equal((ErrorKind.Incomplete, "SLU043"), (incomplete.Kind, incomplete.Code));
        var checkpoint = await target.Providers.Backfills.ReadCheckpointAsync("0001_split_customer_name", "backfill_split_name", ct);
        Assert.Equal((3L, 750L, 750L, false), (checkpoint!.Batches, checkpoint.RowsDone, checkpoint.LastKey!.Value, checkpoint.Completed));
        Assert.Equal(750L, 5000 - await TestSql.ScalarAsync<long>(database.ConnectionString, "SELECT count(*) FROM customers WHERE first_name IS NULL", ct));
        // It says where it stopped: inside the backfill, after its checkpoint, not "before" a phase it is in.
        var paused = Assert.Single(await target.Providers.Journal.ReadEventsAsync("0001_split_customer_name", ct), e => e.Kind == JournalEventKind.BackfillPaused);
        Assert.Equal("time budget of 5m reached inside 'backfill_split_name' after a checkpoint (750 rows done); the next run continues from it", paused.Message);
        Assert.Contains(progress.Reports, r => r.Step == MigrationStep.BudgetExhausted && r.Message == paused.Message);

        var second = await target.Service().MigrateAsync(request with { TimeBudget = null }, null, ct);
        Assert.Equal(MigrationOutcome.Completed, second.Outcome);
        var done = await target.Providers.Backfills.ReadCheckpointAsync("0001_split_customer_name", "backfill_split_name", ct);
        Assert.Equal((20L, 5000L, true), (done!.Batches, done.RowsDone, done.Completed)); // nothing repeated, nothing lost
        Assert.Equal(0L, await ShopDatabase.OutOfStepRowsAsync(database.ConnectionString, ct));
    }

    [Fact]
    public async Task Cancelling_inside_a_backfill_journals_a_cancelled_event_and_the_next_run_resumes_the_phase()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await ShopDatabase.CreateAsync(postgres, ct, extraCustomers: 3000);
        using var plans = PlanCopy.SampleUpToBackfill(batchSize: 250);
        await using var target = new PostgresMigrationDatabase(database.ConnectionString);
        // Ctrl-C after the third batch: the run's token is cancelled, as ConsoleEntryPoint does.
        using var ctrlC = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var progress = new RecordingProgress(r =>
        {
            if (r.Step == MigrationStep.Backfill && r.Backfill!.Batches == 3) ctrlC.Cancel();
        });
        var request = new MigrationRequest(plans.Pipelines, null, "local", By: Alice);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => target.Service().MigrateAsync(request, progress, ctrlC.Token));

        var events = await target.Providers.Journal.ReadEventsAsync("0001_split_customer_name", ct);
        var cancelled = Assert.Single(events, e => e.Kind == JournalEventKind.Cancelled);
        Assert.Equal("backfill_split_name", cancelled.Phase);
        Assert.Equal(Alice, cancelled.By);
        Assert.Contains("the next run continues from there", cancelled.Message);
        var phase = (await target.Providers.Journal.ReadPhasesAsync("0001_split_customer_name", ct)).Single(p => p.Phase == "backfill_split_name");
        Assert.Equal(JournalStatus.Started, phase.Status);

        var again = await target.Service().MigrateAsync(request, null, ct);
        Assert.Equal(MigrationOutcome.Completed, again.Outcome);
        Assert.Equal(0L, await ShopDatabase.OutOfStepRowsAsync(database.ConnectionString, ct));
    }

    [Fact]
    public async Task Cancelling_while_a_statement_runs_stops_it_at_once_and_journals_a_cancelled_event()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await ShopDatabase.CreateAsync(postgres, ct);
        using var plans = PlanCopy.Empty();
        plans.Write("0001_slow", "plan.yaml", """
            id: 0001_slow
            owner: team
            risk: low
            description: a phase that takes its time
            max_partial_state: 1h
            phases:
              - name: slow
                kind: expand
                up: slow.sql
                down: slow.sql
            """);
        plans.Write("0001_slow", "slow.sql", "SELECT pg_sleep(30);");
        await using var target = new PostgresMigrationDatabase(database.ConnectionString);
        using var ctrlC = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var progress = new RecordingProgress(r =>
        {
            if (r is { Step: MigrationStep.PhaseStarted, Phase: "slow" }) ctrlC.CancelAfter(TimeSpan.FromMilliseconds(300));
        });
        var started = TimeProvider.System.GetTimestamp();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            target.Service().MigrateAsync(new MigrationRequest(plans.Pipelines, null, "local", By: Alice), progress, ctrlC.Token));

        Assert.True(TimeProvider.System.GetElapsedTime(started) < TimeSpan.FromSeconds(20), "the statement was cancelled, not waited out");
        var cancelled = Assert.Single(await target.Providers.Journal.ReadEventsAsync("0001_slow", ct), e => e.Kind == JournalEventKind.Cancelled);
        Assert.Equal("slow", cancelled.Phase);
        // A transactional phase: its transaction (and the row marking it started) rolled back, so nothing of it is applied.
        Assert.Equal(JournalStatus.Pending, Assert.Single(await target.Providers.Journal.ReadPhasesAsync("0001_slow", ct)).Status);
    }

    [Fact]
    public async Task A_non_transactional_phase_interrupted_mid_index_build_is_run_again_and_drops_the_invalid_leftover()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await ShopDatabase.CreateAsync(postgres, ct);
        using var plans = PlanCopy.Sample();
        await using var target = new PostgresMigrationDatabase(database.ConnectionString);
        // Stop right after the backfill: the budget runs out when the backfill reports done.
        var clock = new ManualClock();
        var progress = new RecordingProgress(r =>
        {
            if (r is { Step: MigrationStep.PhaseDone, Phase: "backfill_split_name" }) clock.Advance(TimeSpan.FromHours(1));
        });
        var request = new MigrationRequest(plans.Pipelines, null, "local", TimeBudget: TimeSpan.FromMinutes(1), By: Alice);
        Assert.Equal(MigrationOutcome.Incomplete, (await target.Service(clock).MigrateAsync(request, progress, ct)).Outcome);

        // What a runner killed during CREATE INDEX CONCURRENTLY leaves: the phase journaled started and an INVALID
        // index under the phase's name (a concurrent unique build over duplicate last names fails the same way).
        await Assert.ThrowsAsync<PostgresException>(() => TestSql.ExecuteAsync(database.ConnectionString,
            "CREATE UNIQUE INDEX CONCURRENTLY customers_last_name_idx ON customers (last_name)", ct));
        await TestSql.ExecuteAsync(database.ConnectionString,
            "UPDATE sluice.phases SET status = 'started', started_at = now() WHERE phase = 'index_last_name'", ct);
        Assert.False(await TestSql.ScalarAsync<bool>(database.ConnectionString, IndexIsValid, ct));

        var result = await target.Service().MigrateAsync(request with { TimeBudget = null }, null, ct);

        Assert.Equal(MigrationOutcome.Completed, result.Outcome);
        Assert.True(await TestSql.ScalarAsync<bool>(database.ConnectionString, IndexIsValid, ct));
        Assert.False(await TestSql.ScalarAsync<bool>(database.ConnectionString,
            "SELECT indisunique FROM pg_index WHERE indexrelid = 'customers_last_name_idx'::regclass", ct));
        var events = await target.Providers.Journal.ReadEventsAsync("0001_split_customer_name", ct);
        Assert.Contains(events, e => e is { Kind: JournalEventKind.PhaseStarted, Phase: "index_last_name" } && e.Message.Contains("resuming an interrupted run"));
        Assert.Contains(events, e => e is { Kind: JournalEventKind.Verified, Phase: "index_last_name" });
    }

    private const string IndexIsValid =
        "SELECT coalesce((SELECT indisvalid FROM pg_index WHERE indexrelid = to_regclass('customers_last_name_idx')), false)";

    [Fact]
    public async Task A_lagging_replica_throttles_the_backfill_and_the_throttle_is_journaled()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await ShopDatabase.CreateAsync(postgres, ct);
        using var plans = PlanCopy.SampleUpToBackfill(batchSize: 500, ("throttle_pause: 1s", "throttle_pause: 10ms"), ("max_replication_lag: 10s", "max_replication_lag: 2s"));
        var pressure = TestPressure.LaggingFor(3, TimeSpan.FromSeconds(30));
        await using var target = new PostgresMigrationDatabase(database.ConnectionString, pressure: pressure);
        var progress = new RecordingProgress();

        await target.Service().MigrateAsync(new MigrationRequest(plans.Pipelines, null, "local", By: Alice), progress, ct);

        var throttled = progress.Reports.Where(r => r.Step == MigrationStep.Throttled).ToList();
        Assert.Equal(3, throttled.Count);
        Assert.All(throttled, r => Assert.Contains("replication lag 30000 ms exceeds 2s", r.Message));
        Assert.True(progress.Reports.ToList().FindLastIndex(r => r.Step == MigrationStep.Throttled)
                    < progress.Reports.ToList().FindIndex(r => r.Step == MigrationStep.Backfill), "no batch ran while the replica lagged");
        var events = await target.Providers.Journal.ReadEventsAsync("0001_split_customer_name", ct);
        Assert.Single(events, e => e.Kind == JournalEventKind.BackfillThrottled); // one event per episode, not per look
        Assert.Equal(0L, await ShopDatabase.OutOfStepRowsAsync(database.ConnectionString, ct));
    }

    [Fact]
    public async Task Writes_made_by_the_application_during_the_backfill_are_not_lost()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await ShopDatabase.CreateAsync(postgres, ct, extraCustomers: 8000);
        using var plans = PlanCopy.SampleUpToBackfill(batchSize: 200);
        using var stopWriters = new CancellationTokenSource();
        var writes = 0;
        var writersRunning = new TaskCompletionSource();
        Task[] writers = [];
        // Writers start with the backfill, and the backfill waits (through its pressure source) until they have
        // written a good amount, so the two overlap on any machine.
        var pressure = new TestPressure(async n =>
        {
            if (n == 3)
            {
                writersRunning.TrySetResult();
                while (Volatile.Read(ref writes) < 300 && !writers.Any(w => w.IsCompleted)) await Task.Delay(5, ct);
            }
            return TestPressure.Calm;
        });
        await using var target = new PostgresMigrationDatabase(database.ConnectionString, pressure: pressure);
        var progress = new RecordingProgress(r =>
        {
            if (r is { Step: MigrationStep.PhaseStarted, Phase: "backfill_split_name" })
                writers = Enumerable.Range(0, 3).Select(w => Task.Run(() => WriteAsync(database.ConnectionString, w, () => Interlocked.Increment(ref writes), stopWriters.Token))).ToArray();
        });

        var run = target.Service().MigrateAsync(new MigrationRequest(plans.Pipelines, null, "local", By: Alice), progress, ct);
        await Task.WhenAny(writersRunning.Task, run); // a failed run must fail the test, not leave it waiting
        var result = await run;
        var writesDuringBackfill = Volatile.Read(ref writes);
        await stopWriters.CancelAsync();
        await Task.WhenAll(writers);

        Assert.Equal(MigrationOutcome.Completed, result.Outcome);
        Assert.True(writesDuringBackfill >= 300, $"{writesDuringBackfill} writes overlapped the backfill");
        Assert.Equal(0L, await ShopDatabase.OutOfStepRowsAsync(database.ConnectionString, ct));
        Assert.True(await TestSql.ScalarAsync<long>(database.ConnectionString, "SELECT count(*) FROM customers WHERE email LIKE 'writer%'", ct) > 0);
    }

    /// <summary>The application before the switch: inserts customers and renames existing ones, writing only full_name.</summary>
    private static async Task WriteAsync(string connectionString, int writer, Action wrote, CancellationToken stop)
    {
        var random = new Random(writer);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(CancellationToken.None);
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            await using var command = i % 2 == 0
                ? new NpgsqlCommand($"INSERT INTO customers (full_name, email) VALUES ('Writer{writer} Number {i}', 'writer{writer}-{i}@example.com')", connection)
                : new NpgsqlCommand($"UPDATE customers SET full_name = 'Renamed{i} By{writer}' WHERE id = {1 + random.Next(10_000)}", connection);
            await command.ExecuteNonQueryAsync(CancellationToken.None);
            wrote();
        }
    }

    private static async Task<(string?, string?)> NamesAsync(string connectionString, string email, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT first_name, last_name FROM customers WHERE email = $1", connection)
        {
            Parameters = { new() { Value = email } },
        };
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.IsDBNull(0) ? null : reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1));
    }
}

/// <summary>A clock that stands still until the test moves it; timers (delays) still run on real time.</summary>
internal sealed class ManualClock : TimeProvider
{
    private long _ticks = TimeProvider.System.GetTimestamp();

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, (long)(by.TotalSeconds * TimestampFrequency));

    public override long GetTimestamp() => Interlocked.Read(ref _ticks);
}
