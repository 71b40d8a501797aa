using Sluice.Errors;
using Sluice.Migrations.Journal;
using Sluice.Migrations.Running;
using Sluice.Postgres.Migrations;
using Sluice.Testing.Postgres;

namespace Sluice.Postgres.Tests.Migrations;

/// <summary>
/// Hooks around a phase, run by the runner against a real database: the receiving end is a real program (a shell
/// script writing one line per call into calls.log), so what ran and how often is counted where it arrived.
/// </summary>
public sealed class HookRunTests(PostgresFixture postgres)
{
    private const string PlanId = "0002_nickname";
    private static readonly RunnerIdentity Runner = new("runner", "host", null);

    /// <summary>One expand phase with a before hook (pause, reverted by resume) and an after hook (flush, reverted by refill).</summary>
    private static PlanCopy NicknamePlan()
    {
        var plans = PlanCopy.Empty();
        plans.Write(PlanId, "plan.yaml", """
            id: 0002_nickname
            owner: team-shop
            risk: low
            description: add customers.nickname, with the consumer paused and the cache flushed around it
            max_partial_state: 1h
            phases:
              - name: add_nickname
                kind: expand
                up: up.sql
                down: down.sql
                hooks:
                  before:
                    - name: pause_consumer
                      command: {argv: [sh, hook.sh, pause]}
                      revert: {command: {argv: [sh, hook.sh, resume]}}
                  after:
                    - name: flush_cache
                      command: {argv: [sh, hook.sh, flush], timeout: 10s}
                      revert: {command: {argv: [sh, hook.sh, refill]}}
            """);
        plans.Write(PlanId, "up.sql", "ALTER TABLE customers ADD COLUMN nickname text;");
        plans.Write(PlanId, "down.sql", "ALTER TABLE customers DROP COLUMN IF EXISTS nickname;");
        // The receiving end: one line per call; a file fail-<what> makes that call fail as an unreachable cache would.
        plans.Write(PlanId, "hook.sh", """
            echo "$1 $SLUICE_HOOK_DIRECTION $SLUICE_IDEMPOTENCY_KEY" >> calls.log
            if [ -e "fail-$1" ]; then echo "cache unreachable at 127.0.0.1:6379" >&2; exit 3; fi
            """);
        return plans;
    }

    private static string[] Calls(PlanCopy plans)
    {
        var log = Path.Combine(plans.MigrationsFolder, PlanId, "calls.log");
        return File.Exists(log) ? File.ReadAllLines(log) : [];
    }

    private const string Columns = "SELECT string_agg(column_name, ',' ORDER BY column_name) FROM information_schema.columns WHERE table_name = 'customers'";

    [Fact]
    public async Task A_failing_after_hook_is_reported_and_its_phase_rolled_back_with_the_reverts_of_what_ran()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await ShopDatabase.CreateAsync(postgres, ct);
        using var plans = NicknamePlan();
        plans.Write(PlanId, "fail-flush", "");
        await using var target = new PostgresMigrationDatabase(database.ConnectionString);
        var columnsBefore = await TestSql.ScalarAsync<string>(database.ConnectionString, Columns, ct);

        var error = await Assert.ThrowsAsync<SluiceException>(() =>
            target.Service().MigrateAsync(new MigrationRequest(plans.Pipelines, null, "local", By: Runner), null, ct));

        Assert.Equal((ErrorKind.Failure, ErrorCodes.HookFailed), (error.Kind, error.Code));
        Assert.Contains("after hook 'flush_cache' of phase 'add_nickname' of plan '0002_nickname' failed: command 'sh' exited 3; stderr: cache unreachable at 127.0.0.1:6379", error.Message);
        Assert.Contains("phase 'add_nickname' was rolled back, revert hooks included", error.Message);
        Assert.EndsWith("plan.yaml", error.File);
        // Schema as before; the pause was undone by its revert, the failed flush had nothing to undo.
        Assert.Equal(columnsBefore, await TestSql.ScalarAsync<string>(database.ConnectionString, Columns, ct));
        Assert.Equal(["pause before", "flush after", "resume revert"], Calls(plans).Select(c => string.Join(' ', c.Split(' ')[..2])));
        Assert.Equal(JournalStatus.Reverted, Assert.Single(await target.Providers.Journal.ReadPhasesAsync(PlanId, ct)).Status);
        Assert.Equal(JournalStatus.Failed, (await target.Providers.Journal.FindPlanAsync(PlanId, ct))!.Status);
        Assert.Equal("pause_consumer before succeeded|flush_cache after failed|pause_consumer revert succeeded",
            await TestSql.ScalarAsync<string>(database.ConnectionString,
                "SELECT string_agg(concat_ws(' ', hook, direction, outcome), '|' ORDER BY id) FROM sluice.hook_runs", ct));
        Assert.Contains("stderr: cache unreachable", await TestSql.ScalarAsync<string>(database.ConnectionString,
            "SELECT detail FROM sluice.hook_runs WHERE outcome = 'failed'", ct));
    }

    [Fact]
    public async Task A_failing_before_hook_leaves_the_phase_unapplied_and_reverts_the_hooks_before_it()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await ShopDatabase.CreateAsync(postgres, ct);
        using var plans = NicknamePlan();
        plans.Write(PlanId, "fail-pause", "");
        await using var target = new PostgresMigrationDatabase(database.ConnectionString);
        var columnsBefore = await TestSql.ScalarAsync<string>(database.ConnectionString, Columns, ct);

        var error = await Assert.ThrowsAsync<SluiceException>(() =>
            target.Service().MigrateAsync(new MigrationRequest(plans.Pipelines, null, "local", By: Runner), null, ct));

        Assert.Equal(ErrorCodes.HookFailed, error.Code);
        Assert.Contains("before hook 'pause_consumer'", error.Message);
        Assert.Contains("phase 'add_nickname' did not run", error.Message);
        Assert.Equal(columnsBefore, await TestSql.ScalarAsync<string>(database.ConnectionString, Columns, ct));
        Assert.Equal(["pause before"], Calls(plans).Select(c => string.Join(' ', c.Split(' ')[..2])));
        Assert.Equal(JournalStatus.Failed, Assert.Single(await target.Providers.Journal.ReadPhasesAsync(PlanId, ct)).Status);
    }

    [Fact]
    public async Task A_run_stopped_after_a_hook_succeeded_does_not_call_it_again_when_run_again()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await ShopDatabase.CreateAsync(postgres, ct);
        using var plans = NicknamePlan();
        await using var target = new PostgresMigrationDatabase(database.ConnectionString);
        var request = new MigrationRequest(plans.Pipelines, null, "local", By: Runner);

        // Stop the run (as Ctrl-C or a lost CI job would) the moment the before hook's success is journaled.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var progress = new RecordingProgress(p =>
        {
            if (p.Step == MigrationStep.Hook && p.Message.StartsWith("before hook 'pause_consumer'", StringComparison.Ordinal)) stop.Cancel();
        });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => target.Service().MigrateAsync(request, progress, stop.Token));
        Assert.Equal(["pause before"], Calls(plans).Select(c => string.Join(' ', c.Split(' ')[..2])));
        Assert.DoesNotContain("nickname", await TestSql.ScalarAsync<string>(database.ConnectionString, Columns, ct));

        var again = new RecordingProgress();
        var result = await target.Service().MigrateAsync(request, again, ct);

        Assert.Equal(MigrationOutcome.Completed, result.Outcome);
        Assert.Contains("nickname", await TestSql.ScalarAsync<string>(database.ConnectionString, Columns, ct));
        // Counted at the receiving end: the pause arrived once, the flush once.
        Assert.Equal(["pause before", "flush after"], Calls(plans).Select(c => string.Join(' ', c.Split(' ')[..2])));
        Assert.Contains(again.Reports, r => r.Message == "before hook 'pause_consumer' already succeeded (round 1); not called again");
    }

    [Fact]
    public async Task Rollback_runs_the_revert_hooks_around_the_down_and_the_next_apply_calls_the_hooks_again_with_new_keys()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await ShopDatabase.CreateAsync(postgres, ct);
        using var plans = NicknamePlan();
        await using var target = new PostgresMigrationDatabase(database.ConnectionString);
        var request = new MigrationRequest(plans.Pipelines, null, "local", By: Runner);
        await target.Service().MigrateAsync(request, null, ct);

        var rollback = await target.Service().RollbackAsync(request, null, ct);

        Assert.Equal("add_nickname", Assert.Single(rollback.Phases).Phase);
        Assert.DoesNotContain("nickname", await TestSql.ScalarAsync<string>(database.ConnectionString, Columns, ct));
        // The after hook's revert before the down, the before hook's after it: the reverse of the forward order.
        Assert.Equal(["pause before", "flush after", "refill revert", "resume revert"], Calls(plans).Select(c => string.Join(' ', c.Split(' ')[..2])));

        await target.Service().MigrateAsync(request, null, ct);
        var keys = Calls(plans).Where(c => c.StartsWith("pause", StringComparison.Ordinal)).Select(c => c.Split(' ')[2]).ToList();
        Assert.Equal(["sluice.local.0002_nickname.add_nickname.pause_consumer.before.1", "sluice.local.0002_nickname.add_nickname.pause_consumer.before.2"], keys);
        Assert.Equal(6, Calls(plans).Length);
    }
}
