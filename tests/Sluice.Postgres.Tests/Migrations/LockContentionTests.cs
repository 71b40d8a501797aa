using Sluice.Errors;
using Sluice.Migrations.Journal;
using Sluice.Migrations.Running;
using Sluice.Postgres.Migrations;
using Sluice.Testing.Postgres;

namespace Sluice.Postgres.Tests.Migrations;

public sealed class LockContentionTests(PostgresFixture postgres)
{
    private const string PlanId = "0002_add_nickname";
    private static readonly RunnerIdentity Runner = new("runner", "host", null);

    [Fact]
    public async Task A_phase_blocked_by_a_conflicting_lock_retries_within_bounds_then_fails_clearly_with_every_attempt_journaled()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await ShopDatabase.CreateAsync(postgres, ct);
        using var plans = NicknamePlan(retries: 3);
        await using var target = new PostgresMigrationDatabase(database.ConnectionString);
        var options = new MigrationRunnerOptions("local", InitialBackoff: TimeSpan.FromMilliseconds(5), MaxBackoff: TimeSpan.FromMilliseconds(20), Seed: 1);
        var progress = new RecordingProgress();

        await using var blocker = await CustomersBlocker.HoldAsync(database.ConnectionString, ct);

        var error = await Assert.ThrowsAsync<SluiceException>(() =>
            target.Service().MigrateAsync(new MigrationRequest(plans.Pipelines, null, "local", By: Runner), progress, options, ct));

        Assert.Equal((ErrorKind.Failure, "SLU041"), (error.Kind, error.Code));
        Assert.Contains("phase 'add_nickname' of plan '0002_add_nickname' could not take its locks in 3 attempts (lock_timeout 50ms each)", error.Message);
        Assert.Contains("pg_blocking_pids", error.Remedy);
        Assert.EndsWith("plan.yaml", error.File);
        Assert.Equal(2, progress.Reports.Count(r => r.Step == MigrationStep.Retry));
        var events = await target.Providers.Journal.ReadEventsAsync(PlanId, ct);
        Assert.Equal([1, 2, 3], events.Where(e => e.Kind == JournalEventKind.Attempt).Select(e => e.Attempt!.Value));
        Assert.Equal([1, 2], events.Where(e => e.Kind == JournalEventKind.Retry).Select(e => e.Attempt!.Value));
        Assert.All(events.Where(e => e.Kind == JournalEventKind.Retry), e => Assert.Contains("lock timeout", e.Message));
        Assert.Single(events, e => e.Kind == JournalEventKind.PhaseFailed);
        var phase = Assert.Single(await target.Providers.Journal.ReadPhasesAsync(PlanId, ct));
        Assert.Equal((JournalStatus.Failed, 3), (phase.Status, phase.Attempts));
        Assert.False(await TestSql.ScalarAsync<bool>(database.ConnectionString,
            "SELECT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_name = 'customers' AND column_name = 'nickname')", ct));

        // Once the blocker commits, the same command succeeds.
        await blocker.Transaction.CommitAsync(ct);
        var result = await target.Service().MigrateAsync(new MigrationRequest(plans.Pipelines, null, "local", By: Runner), null, options, ct);
        Assert.Equal(MigrationOutcome.Completed, result.Outcome);
        Assert.Equal(JournalStatus.Done, (await target.Providers.Journal.ReadPhasesAsync(PlanId, ct)).Single().Status);
    }

    [Fact]
    public async Task A_phase_that_gets_its_lock_on_a_retry_succeeds()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await ShopDatabase.CreateAsync(postgres, ct);
        using var plans = NicknamePlan(retries: 50);
        await using var target = new PostgresMigrationDatabase(database.ConnectionString);
        var options = new MigrationRunnerOptions("local", InitialBackoff: TimeSpan.FromMilliseconds(5), MaxBackoff: TimeSpan.FromMilliseconds(20), Seed: 2);
        await using var blocker = await CustomersBlocker.HoldAsync(database.ConnectionString, ct);
        // The blocker lets go after the first retry is reported.
        var progress = new RecordingProgress(r =>
        {
            if (r.Step == MigrationStep.Retry && r.Attempt == 1) blocker.Transaction.Commit();
        });

        var result = await target.Service().MigrateAsync(new MigrationRequest(plans.Pipelines, null, "local", By: Runner), progress, options, ct);

        Assert.Equal(MigrationOutcome.Completed, result.Outcome);
        Assert.True(result.Phases.Single().Attempts >= 2);
    }

    private static PlanCopy NicknamePlan(int retries)
    {
        var plans = PlanCopy.Empty();
        plans.Write(PlanId, "plan.yaml", $"""
            id: {PlanId}
            owner: team-shop
            risk: low
            description: add a nickname column
            max_partial_state: 1h
            phases:
              - name: add_nickname
                kind: expand
                up: up.sql
                down: down.sql
                lock_timeout: 50ms
                retries: {retries}
            """);
        plans.Write(PlanId, "up.sql", "ALTER TABLE customers ADD COLUMN nickname text;");
        plans.Write(PlanId, "down.sql", "ALTER TABLE customers DROP COLUMN nickname;");
        return plans;
    }
}
