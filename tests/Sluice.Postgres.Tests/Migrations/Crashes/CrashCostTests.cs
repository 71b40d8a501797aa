using Sluice.Migrations.Journal;
using Sluice.Migrations.Plans;
using Sluice.Migrations.Running;
using Sluice.Postgres.Databases;
using Sluice.Postgres.Migrations;
using Sluice.Testing.Postgres;

namespace Sluice.Postgres.Tests.Migrations.Crashes;

/// <summary>
/// The runner SIGKILLed at seeded named points of every kind of step of the sample plan (its transactional expand,
/// between and inside backfill batches, the non-transactional CREATE INDEX CONCURRENTLY, the switch, the contract) and
/// of its Rollback, each copy of the database run again after every kill until it finishes. Then the copy must equal
/// an uninterrupted run (schema fingerprint, every row), and after the killed Rollbacks the state before the plan; and
/// no kill may throw away more than one batch of rows (counted by a trigger whose sequence no rollback undoes).
/// </summary>
public sealed class CrashCostTests(PostgresFixture postgres)
{
    private const int Seed = 20261201;
    private const int BatchSize = 100;
    private const int ExtraCustomers = 2_000;
    private const int Scenarios = 5;
    private const string PlanId = "0001_split_customer_name";

    [Fact]
    public async Task Killing_the_runner_at_60_seeded_points_of_every_kind_of_step_redoes_at_most_one_batch_and_ends_as_an_uninterrupted_run()
    {
        var ct = TestContext.Current.CancellationToken;
        using var plans = PlanCopy.Sample(("initial_batch_size: 1000", $"initial_batch_size: {BatchSize}"),
            ("min_batch_size: 100", $"min_batch_size: {BatchSize}"), ("max_batch_size: 20000", $"max_batch_size: {BatchSize}"));
        var plan = ServicePlans.Load(plans.Pipelines, null).Plans.Single();
        var points = KillPoints.Of(plan, batchesToPickFrom: 8, BatchSize);
        await using var template = await CrashDatabase.CreateTemplateAsync(postgres, ExtraCustomers, ct);

        DatabaseFingerprint before, after;
        await using (var reference = await CrashDatabase.CloneAsync(postgres, template, ct))
        {
            before = await CrashDatabase.FingerprintAsync(reference.ConnectionString, ct);
            await using var target = new PostgresMigrationDatabase(reference.ConnectionString);
            var done = await target.Service().MigrateAsync(new MigrationRequest(plans.Pipelines, null, "local", By: new RunnerIdentity("reference", "host", null)), null, ct);
            Assert.Equal(MigrationOutcome.Completed, done.Outcome);
            after = await CrashDatabase.FingerprintAsync(reference.ConnectionString, ct);
        }

        var random = new Random(Seed);
        var forwardOrders = points.Forward.Select(g => g.Shuffled(random)).ToList();
        var rollbackOrders = points.Rollback.Select(g => g.Shuffled(random)).ToList();
        var tally = new CrashTally();
        var rows = 2_000 + ExtraCustomers;
        for (var scenario = 0; scenario < Scenarios; scenario++)
        {
            await using var copy = await CrashDatabase.CloneAsync(postgres, template, ct);
            foreach (var (group, order) in points.Forward.Zip(forwardOrders))
                tally.Add(await KillAsync(copy, plans.Pipelines, group.Pick(scenario, random, order), rollback: false, ct));
            await RunToEndAsync(copy, plans.Pipelines, rollback: false, ct);
            Assert.Equal(after, await CrashDatabase.FingerprintAsync(copy.ConnectionString, ct));
            await using (var journal = new PostgresMigrationDatabase(copy.ConnectionString))
            {
                // Every row changed by exactly one committed batch: none lost, none applied twice.
                var checkpoint = await journal.Providers.Backfills.ReadCheckpointAsync(PlanId, "backfill_split_name", ct);
                Assert.Equal((rows, rows / BatchSize, true), (checkpoint!.RowsDone, checkpoint.Batches, checkpoint.Completed));
                Assert.All(await journal.Providers.Journal.ReadPhasesAsync(PlanId, ct), p => Assert.Equal(JournalStatus.Done, p.Status));
            }
            Assert.Equal(0, (await CrashDatabase.ReadCountersAsync(copy.ConnectionString, ct)).InvalidIndexes);

            foreach (var (group, order) in points.Rollback.Zip(rollbackOrders))
                tally.Add(await KillAsync(copy, plans.Pipelines, group.Pick(scenario, random, order), rollback: true, ct));
            await RunToEndAsync(copy, plans.Pipelines, rollback: true, ct);
            Assert.Equal(before.Data, (await CrashDatabase.FingerprintAsync(copy.ConnectionString, ct)).Data);
            await using (var journal = new PostgresMigrationDatabase(copy.ConnectionString))
            {
                Assert.All(await journal.Providers.Journal.ReadPhasesAsync(PlanId, ct), p => Assert.Equal(JournalStatus.Reverted, p.Status));
                // The rollback was verified against the fingerprints from before the plan, even when a kill came between
                // its last down and its verification.
                var events = (await journal.Providers.Journal.ReadEventsAsync(PlanId, ct)).Select(e => e.Kind).ToList();
                Assert.Equal(JournalEventKind.RollbackVerified, events[(events.LastIndexOf(JournalEventKind.PlanReverted) + 1)..].FirstOrDefault());
                Assert.Equal(0L, await TestSql.ScalarAsync<long>(copy.ConnectionString, "SELECT count(*) FROM sluice.schema_baselines", ct));
            }
            Assert.Equal(0, (await CrashDatabase.ReadCountersAsync(copy.ConnectionString, ct)).InvalidIndexes);
        }

        TestContext.Current.TestOutputHelper?.WriteLine(tally.Table());
        var kills = tally.Records;
        // One kill per kind of step per scenario: 12 kinds x 5 scenarios.
        Assert.Equal((points.Forward.Count + points.Rollback.Count) * Scenarios, kills.Count);
        Assert.True(kills.Count >= 50, $"only {kills.Count} kills");
        var kinds = kills.Select(k => k.At.Kind).ToHashSet();
        foreach (var kind in new[] { "expand", "backfill between batches", "backfill inside a batch", "expand (non-transactional)", "switch", "contract",
                     "rollback of contract", "rollback of switch", "rollback of expand (non-transactional)", "rollback of backfill", "rollback of expand",
                     "rollback verification" })
            Assert.Contains(kind, kinds);
        // The concurrent index build and drop were caught half way, and the re-runs cleared what they left.
        Assert.Contains(kills, k => k.LeftInvalidIndex && k.At.Kind == "expand (non-transactional)");
        Assert.Contains(kills, k => k.LeftInvalidIndex && k.At.Kind == "rollback of expand (non-transactional)");
        // At most one batch thrown away per kill, and every kill inside a batch threw some of its rows away. The
        // contract's down is one transaction over the whole table (it fills full_name back): a kill inside it redoes that
        // transaction.
        Assert.All(kills.Where(k => k.At.Kind != "rollback of contract"), k => Assert.True(k.RowsRedone <= BatchSize, $"{k.At} threw away {k.RowsRedone} rows"));
        Assert.All(kills.Where(k => k.At.Kind == "backfill inside a batch"), k => Assert.InRange(k.RowsRedone, 1, BatchSize));
        Assert.All(kills, k => Assert.True(k.RowsRedone <= rows, $"{k.At} threw away {k.RowsRedone} rows"));
    }

    [Theory]
    [InlineData($"PhaseReverted {PlanId}/add_split_columns: ")]
    [InlineData($"PlanReverted {PlanId}: ")]
    public async Task A_rollback_killed_between_its_last_down_and_its_verification_is_verified_by_the_next_rollback(string hook)
    {
        var ct = TestContext.Current.CancellationToken;
        using var plans = PlanCopy.Sample();
        await using var database = await CrashDatabase.CreateTemplateAsync(postgres, extraCustomers: 0, ct);
        await RunToEndAsync(database, plans.Pipelines, rollback: false, ct);

        var kill = new KillPoint("rollback verification", hook, 1, TimeSpan.Zero);
        await KillAsync(database, plans.Pipelines, kill, rollback: true, ct);
        var (exitCode, output, _) = await CrashHostProcess.RunAsync(database.ConnectionString, plans.Pipelines, null, "1s", rollback: true, ct);

        Assert.True(exitCode == 0, output);
        Assert.Contains($"plan '{PlanId}' was rolled back by a run that stopped before verifying it; finished now; schema verified", output);
        await using var journal = new PostgresMigrationDatabase(database.ConnectionString);
        var events = (await journal.Providers.Journal.ReadEventsAsync(PlanId, ct)).Select(e => e.Kind).ToList();
        Assert.Equal(JournalEventKind.RollbackVerified, events[^1]);
        Assert.Single(events, JournalEventKind.PlanReverted);
        Assert.Equal(JournalStatus.Reverted, (await journal.Providers.Journal.FindPlanAsync(PlanId, ct))!.Status);
        Assert.Equal(0L, await TestSql.ScalarAsync<long>(database.ConnectionString, "SELECT count(*) FROM sluice.schema_baselines", ct));
    }

    /// <summary>Runs the host until the kill lands (again after a busy exit: a killed holder's lease is taken over once its
    /// sessions are gone), cuts its sessions, and counts what the kill threw away.</summary>
    private async Task<CrashRecord> KillAsync(EphemeralDatabase copy, string pipelines, KillPoint kill, bool rollback, CancellationToken ct)
    {
        for (var busy = 0; busy < 20; busy++)
        {
            var start = await CrashDatabase.ReadCountersAsync(copy.ConnectionString, ct);
            if (kill.PauseAtRow is { } row) await CrashDatabase.PauseAtWriteAsync(copy.ConnectionString, start.Writes + row, ct);
            (int ExitCode, string Output, bool Killed) run;
            await using (var holder = kill.HoldSnapshot ? await SnapshotHolder.HoldAsync(copy.ConnectionString, ct) : null)
            {
                run = await CrashHostProcess.RunAsync(copy.ConnectionString, pipelines, kill, "1s", rollback, ct);
                await CrashDatabase.CutRunnerSessionsAsync(postgres.AdminConnectionString, copy.Name, ct);
            }
            if (kill.PauseAtRow is not null) await CrashDatabase.PauseAtWriteAsync(copy.ConnectionString, null, ct);
            if (run.ExitCode == 3 && !run.Killed)
            {
                await Task.Delay(200, ct);
                continue;
            }
            Assert.True(run.Killed, $"the host did not reach {kill} (exit {run.ExitCode}):\n{run.Output}");
            var end = await CrashDatabase.ReadCountersAsync(copy.ConnectionString, ct);
            var committed = Math.Max(0, end.RowsDone - start.RowsDone) + (end.ContractReverted && !start.ContractReverted ? end.Customers : 0);
            return new CrashRecord(kill, end.Writes - start.Writes - committed, end.InvalidIndexes > 0, busy);
        }
        throw new InvalidOperationException($"the environment stayed busy for 20 runs at {kill}");
    }

    private async Task RunToEndAsync(EphemeralDatabase copy, string pipelines, bool rollback, CancellationToken ct)
    {
        for (var busy = 0; busy < 20; busy++)
        {
            var (exitCode, output, _) = await CrashHostProcess.RunAsync(copy.ConnectionString, pipelines, null, "1s", rollback, ct);
            if (exitCode == 3)
            {
                await Task.Delay(200, ct);
                continue;
            }
            Assert.True(exitCode == 0, $"the {(rollback ? "rollback" : "migration")} did not finish after the kills (exit {exitCode}):\n{output}");
            return;
        }
        throw new InvalidOperationException("the environment stayed busy for 20 runs");
    }
}
