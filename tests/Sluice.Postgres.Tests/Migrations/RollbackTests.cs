using Sluice.Errors;
using Sluice.Migrations.Journal;
using Sluice.Migrations.Running;
using Sluice.Postgres.Migrations;
using Sluice.Testing.Postgres;

namespace Sluice.Postgres.Tests.Migrations;

public sealed class RollbackTests(PostgresFixture postgres)
{
    private const string PlanId = "0001_split_customer_name";
    private static readonly RunnerIdentity Runner = new("runner", "host", null);

    /// <summary>The public schema's shape, order-free (a column added back lands at the end of its table).</summary>
    private const string PublicSchema = """
        SELECT string_agg(x, E'\n' ORDER BY x) FROM (
            SELECT format('column %s.%s %s %s', table_name, column_name, data_type, is_nullable) AS x FROM information_schema.columns WHERE table_schema = 'public'
            UNION ALL SELECT format('index %s', indexdef) FROM pg_indexes WHERE schemaname = 'public'
            UNION ALL SELECT format('trigger %s on %s', tgname, tgrelid::regclass) FROM pg_trigger WHERE NOT tgisinternal
            UNION ALL SELECT format('function %s', p.oid::regprocedure) FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace
            UNION ALL SELECT format('view %s', viewname) FROM pg_views WHERE schemaname = 'public'
            UNION ALL SELECT format('constraint %s %s', conname, pg_get_constraintdef(oid)) FROM pg_constraint WHERE connamespace = 'public'::regnamespace
        ) shape
        """;

    private const string OriginalRows = "SELECT md5(string_agg(format('%s|%s|%s|%s', id, full_name, email, created_at), E'\\n' ORDER BY id)) FROM customers";

    [Fact]
    public async Task Rolling_back_the_whole_sample_restores_the_schema_and_the_rows_and_migrate_applies_it_again()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await ShopDatabase.CreateAsync(postgres, ct);
        using var plans = PlanCopy.Sample();
        await using var target = new PostgresMigrationDatabase(database.ConnectionString);
        var request = new MigrationRequest(plans.Pipelines, null, "local", By: Runner);
        var schemaBefore = await TestSql.ScalarAsync<string>(database.ConnectionString, PublicSchema, ct);
        var rowsBefore = await TestSql.ScalarAsync<string>(database.ConnectionString, OriginalRows, ct);
        await target.Service().MigrateAsync(request, null, ct);
        Assert.NotEqual(schemaBefore, await TestSql.ScalarAsync<string>(database.ConnectionString, PublicSchema, ct));

        var rollback = await target.Service().RollbackAsync(request, null, ct);

        Assert.Equal(["drop_full_name", "read_split_name", "index_last_name", "backfill_split_name", "add_split_columns"], rollback.Phases.Select(p => p.Phase));
        Assert.All(rollback.Phases, p => Assert.Equal(PhaseOutcome.Reverted, p.Outcome));
        Assert.Equal(schemaBefore, await TestSql.ScalarAsync<string>(database.ConnectionString, PublicSchema, ct));
        Assert.Equal(rowsBefore, await TestSql.ScalarAsync<string>(database.ConnectionString, OriginalRows, ct));
        Assert.False(await TestSql.ScalarAsync<bool>(database.ConnectionString, "SELECT enabled FROM sluice.feature_flags WHERE name = 'customers.read_split_name'", ct));
        Assert.Null(await target.Providers.Backfills.ReadCheckpointAsync(PlanId, "backfill_split_name", ct));
        Assert.All(await target.Providers.Journal.ReadPhasesAsync(PlanId, ct), p => Assert.Equal(JournalStatus.Reverted, p.Status));
        Assert.Equal(JournalStatus.Reverted, (await target.Providers.Journal.FindPlanAsync(PlanId, ct))!.Status);
        var events = await target.Providers.Journal.ReadEventsAsync(PlanId, ct);
        Assert.Equal(5, events.Count(e => e.Kind == JournalEventKind.PhaseReverted));
        Assert.Single(events, e => e.Kind == JournalEventKind.PlanReverted);
        // Verified against the schema fingerprint taken before the first phase ran, which is then forgotten.
        Assert.Contains(events, e => e.Kind == JournalEventKind.RollbackVerified && e.Message.StartsWith("schema verified: fingerprint ", StringComparison.Ordinal));
        Assert.Contains("schema verified", rollback.Summary);
        // And the data, against the baseline taken before the first phase that could change it (the index phase's DO block).
        Assert.Contains("data verified: customers (2,000 rows) equal the baseline taken at ", rollback.Summary);
        Assert.Contains(events, e => e.Kind == JournalEventKind.DataBaselineTaken && e.Phase == "index_last_name");
        Assert.Equal(0L, await TestSql.ScalarAsync<long>(database.ConnectionString, "SELECT count(*) FROM sluice.schema_baselines", ct));
        Assert.Equal(0L, await TestSql.ScalarAsync<long>(database.ConnectionString, "SELECT count(*) FROM sluice.data_baselines", ct));

        var again = await target.Service().MigrateAsync(request, null, ct);
        Assert.All(again.Phases, p => Assert.Equal(PhaseOutcome.Applied, p.Outcome));
        Assert.Equal(0L, await TestSql.ScalarAsync<long>(database.ConnectionString, "SELECT count(*) FROM customers WHERE first_name IS NULL", ct));
        Assert.Equal(5, (await target.Service().RollbackAsync(request with { MigrationId = PlanId }, null, ct)).Phases.Count);
        Assert.Equal("nothing to roll back: no plan has an applied phase", (await target.Service().RollbackAsync(request, null, ct)).Summary);
    }

    [Fact]
    public async Task A_plan_with_an_applied_irreversible_phase_is_not_rolled_back_at_all()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await ShopDatabase.CreateAsync(postgres, ct);
        using var plans = PlanCopy.Purge();
        await using var target = new PostgresMigrationDatabase(database.ConnectionString);
        var request = new MigrationRequest(plans.Pipelines, null, "local", By: Runner);
        await target.Service().MigrateAsync(request, null, ct);
        var schemaAfterMigrate = await TestSql.ScalarAsync<string>(database.ConnectionString, PublicSchema, ct);

        var error = await Assert.ThrowsAsync<SluiceException>(() => target.Service().RollbackAsync(request, null, ct));

        Assert.Equal(("SLU047", ErrorKind.Failure), (error.Code, error.Kind));
        Assert.Contains("'purge_cancelled' is irreversible", error.Message);
        Assert.Contains("snapshot", error.Remedy);
        Assert.Equal(schemaAfterMigrate, await TestSql.ScalarAsync<string>(database.ConnectionString, PublicSchema, ct));
        Assert.All(await target.Providers.Journal.ReadPhasesAsync("0009_purge", ct), p => Assert.Equal(JournalStatus.Done, p.Status));
    }

    [Fact]
    public async Task A_rollback_whose_down_leaves_a_function_behind_fails_and_names_it()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await ShopDatabase.CreateAsync(postgres, ct);
        using var plans = PlanCopy.Sample();
        var down = Path.Combine(plans.SampleFolder, "01_add_split_columns.down.sql");
        File.WriteAllText(down, File.ReadAllText(down).Replace("DROP FUNCTION IF EXISTS shop_last_name(text);\n", "", StringComparison.Ordinal));
        await using var target = new PostgresMigrationDatabase(database.ConnectionString);
        var request = new MigrationRequest(plans.Pipelines, null, "local", By: Runner);
        await target.Service().MigrateAsync(request, null, ct);

        var error = await Assert.ThrowsAsync<SluiceException>(() => target.Service().RollbackAsync(request, null, ct));

        Assert.Equal("SLU048", error.Code);
        Assert.Contains("function shop_last_name(full_name text): added", error.Message);
        // Every down ran and the journal says so; the baseline stays, so the failure can be checked again.
        Assert.All(await target.Providers.Journal.ReadPhasesAsync(PlanId, ct), p => Assert.Equal(JournalStatus.Reverted, p.Status));
        Assert.Contains(await target.Providers.Journal.ReadEventsAsync(PlanId, ct), e => e.Kind == JournalEventKind.RollbackDiffers);
        Assert.Equal(1L, await TestSql.ScalarAsync<long>(database.ConnectionString, "SELECT count(*) FROM sluice.schema_baselines", ct));
    }

    [Fact]
    public async Task Rollbacks_of_interleaved_plans_are_not_blamed_for_each_other_s_changes()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await ShopDatabase.CreateAsync(postgres, ct);
        using var plans = PlanCopy.Sample();
        AddLoyaltyPlan(plans);
        await using var target = new PostgresMigrationDatabase(database.ConnectionString);
        var request = new MigrationRequest(plans.Pipelines, null, "local", By: Runner);
        await target.Service().MigrateAsync(request, null, ct);

        // The sample plan goes first, while the loyalty plan it came before stays applied: that plan changed the schema
        // after the sample's baseline. Then the loyalty plan, whose baseline holds the sample's columns, now gone.
        var sample = await target.Service().RollbackAsync(request with { MigrationId = PlanId }, null, ct);
        var loyalty = await target.Service().RollbackAsync(request with { MigrationId = "0002_add_loyalty" }, null, ct);

        Assert.Contains("schema not verified: plan(s) 0002_add_loyalty changed it after this plan started", sample.Summary);
        Assert.Contains(await target.Providers.Journal.ReadEventsAsync(PlanId, ct), e => e.Kind == JournalEventKind.RollbackUnverified);
        Assert.Contains($"schema not verified: plan(s) {PlanId} changed it after this plan started", loyalty.Summary);
    }

    /// <summary>A second plan after the sample: one expand phase adding customers.loyalty.</summary>
    private static void AddLoyaltyPlan(PlanCopy plans)
    {
        var later = Path.Combine(plans.MigrationsFolder, "0002_add_loyalty");
        Directory.CreateDirectory(later);
        File.WriteAllText(Path.Combine(later, "plan.yaml"), """
            id: 0002_add_loyalty
            owner: team-shop
            risk: low
            description: a loyalty column
            max_partial_state: 1h
            phases:
              - name: add_loyalty
                kind: expand
                up: up.sql
                down: down.sql
            """);
        File.WriteAllText(Path.Combine(later, "up.sql"), "ALTER TABLE customers ADD COLUMN IF NOT EXISTS loyalty int;\n");
        File.WriteAllText(Path.Combine(later, "down.sql"), "ALTER TABLE customers DROP COLUMN IF EXISTS loyalty;\n");
    }
}
