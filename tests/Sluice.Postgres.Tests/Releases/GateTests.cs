using Sluice.Environments;
using Sluice.Errors;
using Sluice.Gates;
using Sluice.Migrations.Journal;
using Sluice.Migrations.Plans;
using Sluice.Postgres.Releases;
using Sluice.Postgres.Tests.Migrations;
using Sluice.Releases;
using Sluice.Testing.Postgres;

namespace Sluice.Postgres.Tests.Releases;

/// <summary>Each gate once blocking and once passing, against a real journal where it reads one.</summary>
public sealed class GateTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    private static MigrationPlan SamplePlan(PlanCopy plans) => ServicePlans.Load(plans.Pipelines, null).Plans.Single();

    private static GateContext Context(PlanCopy plans, DateTimeOffset? now = null, string environment = "staging") =>
        new(environment, EnvironmentSpec.LocalDefault, [SamplePlan(plans)], now ?? Now);

    /// <summary>Who runs Approve in these tests, as the machine would tell (LocalApprovalRules).</summary>
    internal static readonly ApproverIdentity Grace = new("grace", "grace@shop.invalid");

    [Fact]
    public async Task Approvals_block_until_someone_other_than_the_owner_signs_off_this_hash()
    {
        await using var database = await ShopDatabase.CreateAsync(postgres, Ct);
        using var plans = PlanCopy.Sample();
        await using var release = new PostgresReleaseDatabase(database.ConnectionString);
        await release.Journal.EnsureAsync(Ct);
        var gate = new ApprovalGate(release.Journal, required: 1, blocking: true);

        var blocked = await gate.EvaluateAsync(Context(plans), Ct);
        Assert.Equal(GateVerdict.Fail, blocked.Verdict);
        Assert.Contains("0001_split_customer_name has 0 of 1", blocked.Evidence);
        Assert.Contains("Approve --env staging --by NAME", blocked.Remedy);

        var own = await Assert.ThrowsAsync<SluiceException>(() => release.Service().ApproveAsync(ReleaseFixtures.Request(plans, "staging"), "team-shop", Grace, [], Ct));
        Assert.Equal(("SLU072", ErrorKind.Usage), (own.Code, own.Kind));
        Assert.Equal(GateVerdict.Fail, (await gate.EvaluateAsync(Context(plans), Ct)).Verdict);

        var impostor = await Assert.ThrowsAsync<SluiceException>(() => release.Service().ApproveAsync(ReleaseFixtures.Request(plans, "staging"), "linus", Grace, [], Ct));
        Assert.Equal(ErrorCodes.ApproverNotRunner, impostor.Code);
        Assert.Equal(GateVerdict.Fail, (await gate.EvaluateAsync(Context(plans), Ct)).Verdict);

        await release.Service().ApproveAsync(ReleaseFixtures.Request(plans, "staging"), "grace", Grace, [], Ct);
        var passed = await gate.EvaluateAsync(Context(plans), Ct);
        Assert.Equal(GateVerdict.Pass, passed.Verdict);
        Assert.Contains("0001_split_customer_name by grace", passed.Evidence);
        // An approval is for one environment only.
        Assert.Equal(GateVerdict.Fail, (await gate.EvaluateAsync(Context(plans, environment: "production"), Ct)).Verdict);
    }

    [Fact]
    public async Task Partial_state_blocks_once_it_is_older_than_max_partial_state()
    {
        await using var database = await ShopDatabase.CreateAsync(postgres, Ct);
        using var plans = PlanCopy.Sample();
        File.AppendAllText(Path.Combine(plans.SampleFolder, "03_index_last_name.up.sql"), "\nSELECT 1 / 0;\n");
        await using var release = new PostgresReleaseDatabase(database.ConnectionString);
        await Assert.ThrowsAsync<SluiceException>(() => release.Migrations.Service().MigrateAsync(ReleaseFixtures.Request(plans), null, Ct));
        var gate = new PartialStateGate(release.Migrations.Providers.Journal);
        var startedAt = (await release.Migrations.Providers.Journal.ReadPhasesAsync("0001_split_customer_name", Ct)).Min(p => p.StartedAt)!.Value;

        var fresh = await gate.EvaluateAsync(Context(plans, startedAt + TimeSpan.FromHours(1)), Ct);
        Assert.Equal(GateVerdict.Pass, fresh.Verdict);
        Assert.Contains("1 partial plan(s) within max_partial_state", fresh.Evidence);

        var stale = await gate.EvaluateAsync(Context(plans, startedAt + TimeSpan.FromDays(3)), Ct);
        Assert.Equal(GateVerdict.Fail, stale.Verdict);
        Assert.Contains("has been partial for 3d", stale.Evidence);
        Assert.Contains("Rollback --env staging", stale.Remedy);
    }

    [Fact]
    public async Task Promotion_order_blocks_until_the_earlier_environment_completed_this_hash()
    {
        await using var staging = await ShopDatabase.CreateAsync(postgres, Ct);
        await using var production = await ShopDatabase.CreateAsync(postgres, Ct);
        using var plans = PlanCopy.Sample();
        var history = new PostgresPromotionHistory((name, _) => Task.FromResult(name == "staging" ? staging.ConnectionString : null));
        var gate = new PromotionOrderGate([new EarlierEnvironment("staging", 1)], history);

        var blocked = await gate.EvaluateAsync(Context(plans, environment: "production"), Ct);
        Assert.Equal(GateVerdict.Fail, blocked.Verdict);
        Assert.Contains("'staging' has not completed 0001_split_customer_name", blocked.Evidence);

        await using (var target = new PostgresReleaseDatabase(staging.ConnectionString))
            await target.Migrations.Service().MigrateAsync(ReleaseFixtures.Request(plans, "staging"), null, Ct);
        var passed = await gate.EvaluateAsync(Context(plans, environment: "production"), Ct);
        Assert.Equal(GateVerdict.Pass, passed.Verdict);
        Assert.Equal("done at this hash on staging", passed.Evidence);

        // An environment that cannot be reached blocks rather than waves the release through.
        var unknown = await new PromotionOrderGate([new EarlierEnvironment("qa", 1)], history).EvaluateAsync(Context(plans, environment: "production"), Ct);
        Assert.Equal(GateVerdict.Fail, unknown.Verdict);
    }

    [Fact]
    public async Task Replication_lag_passes_without_replicas_and_blocks_over_the_limit()
    {
        await using var database = await ShopDatabase.CreateAsync(postgres, Ct);
        using var plans = PlanCopy.Sample();
        await using var release = new PostgresReleaseDatabase(database.ConnectionString);

        var real = await new ReplicationLagGate(release.Replication, TimeSpan.FromSeconds(10)).EvaluateAsync(Context(plans), Ct);
        Assert.Equal((GateVerdict.Pass, "no streaming replicas"), (real.Verdict, real.Evidence));

        var lagging = await new ReplicationLagGate(new FixedEvidence(replication: new ReplicationState(2, TimeSpan.FromSeconds(42))), TimeSpan.FromSeconds(10))
            .EvaluateAsync(Context(plans), Ct);
        Assert.Equal(GateVerdict.Fail, lagging.Verdict);
        Assert.Contains("2 replica(s), max replay lag 42000 ms exceeds 10s", lagging.Evidence);
        var keepingUp = await new ReplicationLagGate(new FixedEvidence(replication: new ReplicationState(2, TimeSpan.FromMilliseconds(300))), TimeSpan.FromSeconds(10))
            .EvaluateAsync(Context(plans), Ct);
        Assert.Equal(GateVerdict.Pass, keepingUp.Verdict);
    }

    [Fact]
    public async Task Snapshot_gate_needs_a_verified_snapshot_younger_than_its_limit()
    {
        using var plans = PlanCopy.Sample();
        Task<GateResult> With(DateTimeOffset? verified) =>
            new SnapshotGate(new FixedEvidence(verified: verified), TimeSpan.FromHours(24), blocking: true).EvaluateAsync(Context(plans), Ct);

        Assert.Equal((GateVerdict.Fail, "no verified snapshot exists"), ((await With(null)).Verdict, (await With(null)).Evidence));
        Assert.Equal(GateVerdict.Fail, (await With(Now - TimeSpan.FromHours(30))).Verdict);
        Assert.Equal(GateVerdict.Pass, (await With(Now - TimeSpan.FromHours(2))).Verdict);
        // Not blocking (an unprotected environment, a plan that is not high risk): it warns instead.
        Assert.Equal(GateVerdict.Warn, (await new SnapshotGate(new NoSnapshotSource(), TimeSpan.FromHours(24), blocking: false).EvaluateAsync(Context(plans), Ct)).Verdict);
    }

    [Fact]
    public async Task Rehearsal_gate_needs_evidence_for_this_hash_younger_than_its_limit()
    {
        using var plans = PlanCopy.Sample();
        Task<GateResult> With(DateTimeOffset? rehearsed) =>
            new RehearsalGate(new FixedEvidence(rehearsed: rehearsed), TimeSpan.FromDays(7), blocking: true).EvaluateAsync(Context(plans), Ct);

        var never = await With(null);
        Assert.Equal(GateVerdict.Fail, never.Verdict);
        Assert.Contains($"never rehearsed at hash {SamplePlan(plans).Hash[..12]}", never.Evidence);
        Assert.Equal(GateVerdict.Fail, (await With(Now - TimeSpan.FromDays(8))).Verdict);
        Assert.Equal(GateVerdict.Pass, (await With(Now - TimeSpan.FromDays(1))).Verdict);
    }

    [Fact]
    public async Task The_local_environment_runs_only_the_cheap_gates_and_a_protected_one_all_of_them()
    {
        await using var database = await ShopDatabase.CreateAsync(postgres, Ct);
        await using var release = new PostgresReleaseDatabase(database.ConnectionString);
        var sources = release.Sources(new PostgresPromotionHistory((_, _) => Task.FromResult<string?>(null)));
        Assert.Equal(["partial_state", "promotion_order", "calendar", "replication_lag", "schema_drift", "lint"],
            GatePolicy.For("local", EnvironmentSpec.LocalDefault, MigrationRisk.High, [], sources).Select(g => g.Name));
        Assert.Equal(["partial_state", "promotion_order", "calendar", "replication_lag", "schema_drift", "lint", "snapshot", "rehearsal", "approvals"],
            GatePolicy.For("production", new EnvironmentSpec { Order = 2, Protected = true }, MigrationRisk.Low, [], sources).Select(g => g.Name));
    }

    [Fact]
    public async Task A_blocked_promote_touches_nothing_and_records_its_gate_decisions()
    {
        await using var database = await ShopDatabase.CreateAsync(postgres, Ct);
        using var plans = PlanCopy.Sample();
        await using var release = new PostgresReleaseDatabase(database.ConnectionString);
        var state = await ReleaseFixtures.StateAsync(database.ConnectionString, Ct);
        var counts = await TestSql.ScalarAsync<string>(database.ConnectionString, ReleaseFixtures.RowCounts, Ct);
        var spec = new EnvironmentSpec { Provider = EnvironmentProviderKind.Connection, ConnectionStringVariable = "PRODUCTION_DB", Order = 2, Protected = true };

        var blocked = await Assert.ThrowsAsync<GatesBlockedException>(() =>
            release.Service().PromoteAsync(ReleaseFixtures.Promote(release, plans, spec, "production"), null, Ct));

        Assert.Equal(("SLU070", ErrorKind.Failure), (blocked.Code, blocked.Kind));
        Assert.Equal(["snapshot", "rehearsal", "approvals"], blocked.Report.Results.Where(r => r.Verdict == GateVerdict.Fail).Select(r => r.Gate));
        Assert.Contains("gate            | verdict | evidence", blocked.Report.Render());
        Assert.Equal(state, await ReleaseFixtures.StateAsync(database.ConnectionString, Ct));
        Assert.Equal(counts, await TestSql.ScalarAsync<string>(database.ConnectionString, ReleaseFixtures.RowCounts, Ct));
        Assert.Null(await release.Migrations.Providers.Journal.FindPlanAsync("0001_split_customer_name", Ct));
        Assert.Equal(9, (await release.Journal.ReadGateDecisionsAsync(50, Ct)).Count(d => d.Environment == "production"));
    }

    [Fact]
    public async Task Promote_twice_on_local_applies_every_phase_then_says_nothing_is_pending()
    {
        await using var database = await ShopDatabase.CreateAsync(postgres, Ct);
        using var plans = PlanCopy.Sample();
        await using var release = new PostgresReleaseDatabase(database.ConnectionString);

        var first = await release.Service().PromoteAsync(ReleaseFixtures.Promote(release, plans), null, Ct);
        Assert.Equal(PromoteOutcome.Completed, first.Outcome);
        Assert.False(first.Gates!.Blocked);
        Assert.Equal(JournalStatus.Done, (await release.Migrations.Providers.Journal.FindPlanAsync("0001_split_customer_name", Ct))!.Status);
        var state = await ReleaseFixtures.StateAsync(database.ConnectionString, Ct);

        var second = await release.Service().PromoteAsync(ReleaseFixtures.Promote(release, plans), null, Ct);
        Assert.Equal((PromoteOutcome.NothingPending, "nothing to promote: every plan is already done on 'local'"), (second.Outcome, second.Summary));
        Assert.Equal(state, await ReleaseFixtures.StateAsync(database.ConnectionString, Ct));
    }

    [Fact]
    public async Task Schema_drift_blocks_a_change_by_hand_and_warns_after_a_migrate_outside_promote()
    {
        await using var database = await ShopDatabase.CreateAsync(postgres, Ct);
        using var plans = PlanCopy.Sample();
        await using var release = new PostgresReleaseDatabase(database.ConnectionString);
        await release.Migrations.Providers.Journal.EnsureAsync(Ct);
        var gate = new DriftGate(release.Expectations);
        Assert.Contains("no expectation recorded yet", (await gate.EvaluateAsync(Context(plans, environment: "local"), Ct)).Evidence);

        await release.Service().PromoteAsync(ReleaseFixtures.Promote(release, plans), null, Ct);
        var current = await gate.EvaluateAsync(Context(plans, environment: "local"), Ct);
        Assert.Equal(GateVerdict.Pass, current.Verdict);

        await TestSql.ExecuteAsync(database.ConnectionString, "CREATE INDEX orders_total_idx ON orders (total); ALTER TABLE customers ADD COLUMN nickname text;", Ct);
        var drifted = await gate.EvaluateAsync(Context(plans, environment: "local"), Ct);
        Assert.Equal(GateVerdict.Fail, drifted.Verdict);
        Assert.Contains("orders_total_idx", drifted.Evidence);
        Assert.Contains("with no migration since", drifted.Evidence);

        // A rollback through the release service records the schema it leaves: the gate passes again.
        await TestSql.ExecuteAsync(database.ConnectionString, "DROP INDEX orders_total_idx; ALTER TABLE customers DROP COLUMN nickname;", Ct);
        await release.Service().RollbackAsync(ReleaseFixtures.Request(plans), RollbackTrigger.Manual, null, Ct);
        Assert.Equal(GateVerdict.Pass, (await gate.EvaluateAsync(Context(plans, environment: "local"), Ct)).Verdict);

        // Phases run by a plain Migrate (no expectation recorded): the expectation is stale, so it warns.
        await release.Migrations.Service().MigrateAsync(ReleaseFixtures.Request(plans), null, Ct);
        var stale = await gate.EvaluateAsync(Context(plans, environment: "local"), Ct);
        Assert.Equal(GateVerdict.Warn, stale.Verdict);
        Assert.Contains("outside Promote", stale.Evidence);
    }

    [Fact]
    public async Task Lint_blocks_a_removal_in_an_expand_phase_warns_on_a_blocking_index_and_passes_the_sample()
    {
        using var sample = PlanCopy.Sample();
        var gate = new LintGate(new BuiltInPlanHints());
        var clean = await gate.EvaluateAsync(Context(sample), Ct);
        Assert.Equal(GateVerdict.Pass, clean.Verdict);
        Assert.StartsWith("no warnings or errors in 1 plan(s)", clean.Evidence, StringComparison.Ordinal);

        using var risky = PlanCopy.Empty();
        risky.Write("0002_risky", "plan.yaml", """
            id: 0002_risky
            owner: team-shop
            risk: low
            description: an index built the blocking way
            max_partial_state: 1h
            phases:
              - name: index_total
                kind: expand
                up: up.sql
                down: down.sql
            """);
        risky.Write("0002_risky", "up.sql", "-- DROP TABLE orders; (a comment, not a statement)\nCREATE INDEX orders_total_idx ON orders (total);");
        risky.Write("0002_risky", "down.sql", "DROP INDEX orders_total_idx;");
        var context = new GateContext("staging", EnvironmentSpec.LocalDefault, ServicePlans.Load(risky.Pipelines, null).Plans, Now);
        var warned = await gate.EvaluateAsync(context, Ct);
        Assert.Equal(GateVerdict.Warn, warned.Verdict);
        Assert.Contains("0002_risky/index_total up.sql:2: CREATE INDEX on public.orders without CONCURRENTLY holds ShareLock", warned.Evidence);
        Assert.Contains("[SLU200]: CREATE INDEX CONCURRENTLY orders_total_idx ON orders (total)", warned.Evidence);

        risky.Write("0002_risky", "up.sql", "ALTER TABLE customers DROP COLUMN email;");
        context = context with { Plans = ServicePlans.Load(risky.Pipelines, null).Plans };
        var blocked = await gate.EvaluateAsync(context, Ct);
        Assert.Equal(GateVerdict.Fail, blocked.Verdict);
        Assert.Contains("up.sql:1: DROP COLUMN public.customers.email in an expand phase", blocked.Evidence);
    }
}
