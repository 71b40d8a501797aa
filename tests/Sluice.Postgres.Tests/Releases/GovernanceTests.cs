using Sluice.Errors;
using Sluice.Gates;
using Sluice.Migrations.Journal;
using Sluice.Migrations.Plans;
using Sluice.Postgres.Releases;
using Sluice.Postgres.Tests.Migrations;
using Sluice.Releases;
using Sluice.Testing.Postgres;

namespace Sluice.Postgres.Tests.Releases;

/// <summary>Governance against a real journal: an approval voided by what it signed changing; a partial state past
/// its max_partial_state acted on by its on_expiry; an invariant broken by a phase rolling the plan back.</summary>
public sealed class GovernanceTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private const string PlanId = "0001_split_customer_name";

    /// <summary>The system clock moved on by <paramref name="offset"/>: the scheduled pipeline's run days later.</summary>
    private sealed class LaterTime(TimeSpan offset) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + offset;
    }

    [Fact]
    public async Task An_approval_signs_its_evidence_and_a_changed_plan_or_snapshot_voids_it_and_Status_says_which()
    {
        await using var database = await ShopDatabase.CreateAsync(postgres, Ct);
        using var plans = PlanCopy.Sample(("risk: medium", "risk: high"));
        await using var release = new PostgresReleaseDatabase(database.ConnectionString);
        var snapshot = "20261201T120000Z-aaaaaa";
        Task<SignedEvidence> Current(MigrationPlan plan, CancellationToken _) => Task.FromResult(new SignedEvidence(plan.Hash, "2026-12-01T11:00:00.000Z", snapshot, "any time (no calendar)"));
        var gate = new ApprovalGate(release.Journal, required: 1, blocking: true, MigrationRisk.High, Current);
        GateContext Context() => new("staging", Sluice.Environments.EnvironmentSpec.LocalDefault, ServicePlans.Load(plans.Pipelines, null).Plans, DateTimeOffset.UtcNow);

        var approvals = await release.Service().ApproveAsync(ReleaseFixtures.Request(plans, "staging"), "grace", GateTests.Grace, [], Current, Ct);
        Assert.Equal(("grace", "grace@shop.invalid", snapshot), (approvals[0].OsUser, approvals[0].GitIdentity, approvals[0].Signed!.Snapshot));
        Assert.Equal(GateVerdict.Pass, (await gate.EvaluateAsync(Context(), Ct)).Verdict);

        // A newer verified snapshot than the one the approver saw: the approval no longer holds.
        snapshot = "20261201T130000Z-bbbbbb";
        var voided = await gate.EvaluateAsync(Context(), Ct);
        Assert.Equal(GateVerdict.Fail, voided.Verdict);
        Assert.Contains($"grace's approval of {PlanId} is void: the verified snapshot changed (signed 20261201T120000Z-aaaaaa, now 20261201T130000Z-bbbbbb)", voided.Evidence);

        // Approved again, then the plan changes: the plan hash voids it, and Status names it.
        await release.Service().ApproveAsync(ReleaseFixtures.Request(plans, "staging"), "grace", GateTests.Grace, [], Current, Ct);
        Assert.Equal(GateVerdict.Pass, (await gate.EvaluateAsync(Context(), Ct)).Verdict);
        File.AppendAllText(Path.Combine(plans.SampleFolder, "04_read_split_name.up.sql"), "\n-- reviewed again\n");
        var changed = await gate.EvaluateAsync(Context(), Ct);
        Assert.Equal(GateVerdict.Fail, changed.Verdict);
        Assert.Matches(@"grace's approval of 0001_split_customer_name is void: the plan hash changed \(signed \w{12}, now \w{12}\)", changed.Evidence);
        Assert.Contains("./build.sh Approve --env staging --by NAME", changed.Remedy);

        var journaled = await release.Journal.ReadAllApprovalsAsync(Ct);
        var plan = ServicePlans.Load(plans.Pipelines, null).Plans.Single();
        var voids = new Dictionary<Approval, IReadOnlyList<string>>();
        foreach (var a in journaled) voids[a] = a.Signed!.Voids(await Current(plan, Ct));
        var status = (new ReleaseStatusReport([], [], journaled) { Voids = voids }).Render();
        Assert.Contains("by grace (ran as grace, grace@shop.invalid): VOID, the plan hash changed", status);
    }

    [Theory]
    [InlineData("rollback")]
    [InlineData("alert")]
    public async Task A_partial_state_past_its_limit_is_acted_on_by_its_on_expiry_and_journaled(string policy)
    {
        await using var database = await ShopDatabase.CreateAsync(postgres, Ct);
        // The third phase fails, leaving two applied: partial. (The failure is in its SQL, so a complete would fail
        // again; rollback and alert are what a broken phase leaves to decide.)
        using var plans = PlanCopy.Sample(("max_partial_state: 2d", $"max_partial_state: 2d\non_expiry: {policy}"));
        File.AppendAllText(Path.Combine(plans.SampleFolder, "03_index_last_name.up.sql"), "\nSELECT 1 / 0;\n");
        await using var release = new PostgresReleaseDatabase(database.ConnectionString);
        await Assert.ThrowsAsync<SluiceException>(() => release.Migrations.Service().MigrateAsync(ReleaseFixtures.Request(plans, "staging"), null, Ct));

        // Within the limit nothing happens.
        Assert.Empty(await release.Service(new LaterTime(TimeSpan.FromDays(1))).ExpirePartialStatesAsync(ReleaseFixtures.Request(plans, "staging"), null, Ct));

        var actions = await release.Service(new LaterTime(TimeSpan.FromDays(3))).ExpirePartialStatesAsync(ReleaseFixtures.Request(plans, "staging"), null, Ct);
        var action = Assert.Single(actions);
        Assert.Equal(PlanId, action.PlanId);
        Assert.Equal(policy == "rollback" ? ExpiryOutcome.RolledBack : ExpiryOutcome.Alerted, action.Outcome);
        Assert.Contains("(max_partial_state 2d)", action.Detail);
        var journaled = Assert.Single(await release.Journal.ReadExpiryActionsAsync(10, Ct));
        Assert.Equal((action.Outcome, Enum.Parse<ExpiryPolicy>(policy, true)), (journaled.Outcome, journaled.Policy));

        var planStatus = (await release.Migrations.Providers.Journal.FindPlanAsync(PlanId, Ct))!.Status;
        if (policy == "rollback")
        {
            Assert.Equal(JournalStatus.Reverted, planStatus);
            Assert.False(await ColumnExistsAsync(database.ConnectionString, "first_name"));
        }
        else
        {
            Assert.NotEqual(JournalStatus.Reverted, planStatus);
            Assert.True(await ColumnExistsAsync(database.ConnectionString, "first_name")); // alert changes nothing
        }
    }

    [Fact]
    public async Task An_invariant_a_phase_breaks_rolls_the_promote_back_and_a_failing_one_blocks_before_the_first_phase()
    {
        await using var database = await ShopDatabase.CreateAsync(postgres, Ct);
        using var plans = PlanCopy.Sample();
        WriteInvariants(plans, """
            invariants:
              - name: every_order_has_a_customer
                sql: SELECT count(*) FROM orders o WHERE NOT EXISTS (SELECT 1 FROM customers c WHERE c.id = o.customer_id)
                expect: "0"
              - name: order_ledger_total
                sql: SELECT sum(total) FROM orders
                stable: true
            """);
        // Something the backfill sets off quietly changes money (a trigger of the service's own): the ledger drifts.
        await TestSql.ScalarAsync<long>(database.ConnectionString, """
            CREATE FUNCTION bump_ledger() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN UPDATE orders SET total = total + 1 WHERE id = 1; RETURN NULL; END $$;
            CREATE TRIGGER customers_bump_ledger AFTER UPDATE ON customers FOR EACH STATEMENT EXECUTE FUNCTION bump_ledger();
            SELECT 1::bigint
            """, Ct);
        await using var release = new PostgresReleaseDatabase(database.ConnectionString);

        var failed = await Assert.ThrowsAsync<SluiceException>(() => release.Service().PromoteAsync(ReleaseFixtures.Promote(release, plans), null, Ct));
        Assert.Equal(ErrorCodes.PromoteFailed, failed.Code);
        Assert.Contains("invariant 'order_ledger_total' broke after phase 'backfill_split_name' of '0001_split_customer_name': drifted from", failed.Message);
        Assert.Contains("rolled back automatically: 0001_split_customer_name", failed.Message);
        Assert.Equal(JournalStatus.Reverted, (await release.Migrations.Providers.Journal.FindPlanAsync(PlanId, Ct))!.Status);
        Assert.False(await ColumnExistsAsync(database.ConnectionString, "first_name"));
        // Both before the first phase and after it, then the failing pair after the backfill.
        Assert.Equal((6L, 1L), (await TestSql.ScalarAsync<long>(database.ConnectionString, "SELECT count(*) FROM sluice.invariant_checks", Ct),
            await TestSql.ScalarAsync<long>(database.ConnectionString, "SELECT count(*) FROM sluice.invariant_checks WHERE NOT passed", Ct)));

        // Orphaned orders before anything runs: blocked before the first phase, nothing applied.
        // (Without firing the foreign key's triggers, so the schema stays as the drift gate expects.)
        await TestSql.ScalarAsync<long>(database.ConnectionString, "SET session_replication_role = replica; UPDATE orders SET customer_id = 999999 WHERE id = 2; SELECT 1::bigint", Ct);
        var blocked = await Assert.ThrowsAsync<SluiceException>(() => release.Service().PromoteAsync(ReleaseFixtures.Promote(release, plans), null, Ct));
        Assert.Contains("invariant 'every_order_has_a_customer' fails before the first phase of '0001_split_customer_name': returned 1, expected 0", blocked.Message);
        Assert.Contains("nothing had been applied", blocked.Message);
        Assert.False(await ColumnExistsAsync(database.ConnectionString, "first_name"));
    }

    [Fact]
    public async Task A_stable_invariant_that_drifted_since_the_last_release_blocks_the_next_one_until_it_is_restored()
    {
        await using var database = await ShopDatabase.CreateAsync(postgres, Ct);
        using var plans = PlanCopy.Sample();
        WriteInvariants(plans, """
            invariants:
              - name: order_ledger_total
                sql: SELECT sum(total) FROM orders
                stable: true
            """);
        await using var release = new PostgresReleaseDatabase(database.ConnectionString);
        await release.Service().PromoteAsync(ReleaseFixtures.Promote(release, plans), null, Ct);
        var released = await TestSql.ScalarAsync<string>(database.ConnectionString, "SELECT sum(total)::text FROM orders", Ct);

        // The next plan, and meanwhile someone changed money by hand, outside any release.
        plans.Write("0002_order_notes", "plan.yaml", """
            id: 0002_order_notes
            owner: team-shop
            risk: low
            description: add a notes column to orders
            max_partial_state: 1h
            phases:
              - name: add_notes
                kind: expand
                up: add.sql
                down: drop.sql
                lock_timeout: 2s
            """);
        plans.Write("0002_order_notes", "add.sql", "ALTER TABLE orders ADD COLUMN IF NOT EXISTS notes text;");
        plans.Write("0002_order_notes", "drop.sql", "ALTER TABLE orders DROP COLUMN IF EXISTS notes;");
        await TestSql.ScalarAsync<long>(database.ConnectionString, "UPDATE orders SET total = total + 5 WHERE id = 3; SELECT 1::bigint", Ct);
        var changed = await TestSql.ScalarAsync<string>(database.ConnectionString, "SELECT sum(total)::text FROM orders", Ct);

        var blocked = await Assert.ThrowsAsync<SluiceException>(() => release.Service().PromoteAsync(ReleaseFixtures.Promote(release, plans), null, Ct));
        var drift = Assert.IsType<SluiceException>(blocked.InnerException);
        Assert.Equal(ErrorCodes.InvariantDriftedSinceRelease, drift.Code);
        Assert.Contains($"invariant 'order_ledger_total' drifted from {released}, left by the last release (0001_split_customer_name, ", drift.Message);
        Assert.Contains($"to {changed} before the first phase of '0002_order_notes'; the release is blocked, nothing was applied", drift.Message);
        Assert.EndsWith("sluice.yaml", drift.File);
        Assert.Contains("nothing had been applied", blocked.Message);
        Assert.Equal(0L, await TestSql.ScalarAsync<long>(database.ConnectionString, "SELECT count(*) FROM information_schema.columns WHERE table_name = 'orders' AND column_name = 'notes'", Ct));
        Assert.Equal(1L, await TestSql.ScalarAsync<long>(database.ConnectionString,
            "SELECT count(*) FROM sluice.invariant_checks WHERE plan_id = '0002_order_notes' AND NOT passed AND detail LIKE 'drifted from %, left by the last release (0001_split_customer_name, %'", Ct));

        // Restored, the release goes through.
        await TestSql.ScalarAsync<long>(database.ConnectionString, "UPDATE orders SET total = total - 5 WHERE id = 3; SELECT 1::bigint", Ct);
        var promoted = await release.Service().PromoteAsync(ReleaseFixtures.Promote(release, plans), null, Ct);
        Assert.Equal(PromoteOutcome.Completed, promoted.Outcome);
    }

    [Fact]
    public async Task An_invariant_whose_SQL_the_database_refuses_blocks_the_release_with_the_reason_and_is_journaled()
    {
        await using var database = await ShopDatabase.CreateAsync(postgres, Ct);
        using var plans = PlanCopy.Sample();
        WriteInvariants(plans, """
            invariants:
              - name: ledger_balances
                sql: SELECT sum(amount) FROM ledger_entries
                expect: "0"
            """);
        await using var release = new PostgresReleaseDatabase(database.ConnectionString);

        var blocked = await Assert.ThrowsAsync<SluiceException>(() => release.Service().PromoteAsync(ReleaseFixtures.Promote(release, plans), null, Ct));
        Assert.Contains("invariant 'ledger_balances' fails before the first phase of '0001_split_customer_name': could not run: 42P01: relation \"ledger_entries\" does not exist", blocked.Message);
        Assert.Contains("nothing had been applied", blocked.Message);
        Assert.False(await ColumnExistsAsync(database.ConnectionString, "first_name"));
        Assert.Equal(1L, await TestSql.ScalarAsync<long>(database.ConnectionString, "SELECT count(*) FROM sluice.invariant_checks WHERE NOT passed AND detail LIKE 'could not run: 42P01%'", Ct));
    }

    /// <summary>The service's <c>sluice.yaml</c> in the plans' copy.</summary>
    private static void WriteInvariants(PlanCopy plans, string yaml) => File.WriteAllText(Path.Combine(plans.Pipelines, PlanCopy.Service, "sluice.yaml"), yaml);

    private static async Task<bool> ColumnExistsAsync(string connectionString, string column) =>
        await TestSql.ScalarAsync<long>(connectionString, $"SELECT count(*) FROM information_schema.columns WHERE table_name = 'customers' AND column_name = '{column}'", Ct) == 1L;
}
