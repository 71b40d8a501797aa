using Sluice.Errors;
using Sluice.Gates;
using Sluice.Migrations.Journal;
using Sluice.Migrations.Running;
using Sluice.Postgres.Databases;
using Sluice.Postgres.Migrations;
using Sluice.Postgres.Releases;
using Sluice.Postgres.Tests.Releases;
using Sluice.Releases;
using Sluice.Testing.Postgres;

namespace Sluice.Postgres.Tests.Migrations;

/// <summary>
/// A rollback verifies data as well as schema: a contract drops customers.nickname (filled before the plan) and its
/// down adds the column back. With a down that only re-adds it, the lint blocks the release at the gate; forced
/// through (Migrate, no gates), the rollback fails naming the table and the column. A down that repopulates it rolls
/// back verified; rows the application wrote after the baseline are reported as not verifiable, not as a loss.
/// </summary>
public sealed class DataRollbackTests(PostgresFixture postgres)
{
    private const string PlanId = "0003_drop_nickname";
    private static readonly RunnerIdentity Runner = new("runner", "host", null);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string EmptyDown = "ALTER TABLE customers ADD COLUMN IF NOT EXISTS nickname text;\n";
    private const string RepopulatingDown = "ALTER TABLE customers ADD COLUMN IF NOT EXISTS nickname text;\nUPDATE customers SET nickname = display_name;\n";

    [Fact]
    public async Task A_rollback_whose_down_re_adds_a_dropped_column_empty_fails_naming_the_table_and_the_column()
    {
        await using var database = await NicknamedShopAsync();
        using var plans = DropNickname(EmptyDown);
        await using var target = new PostgresMigrationDatabase(database.ConnectionString);
        var request = new MigrationRequest(plans.Pipelines, null, "local", By: Runner);
        await target.Service().MigrateAsync(request, null, Ct);

        var error = await Assert.ThrowsAsync<SluiceException>(() => target.Service().RollbackAsync(request, null, Ct));

        Assert.Equal(("SLU105", ErrorKind.Failure), (error.Code, error.Kind));
        Assert.Contains("customers.nickname: 2,000 of its 2,000 value(s) are gone from rows that are still there", error.Message);
        Assert.Contains("key range(s)", error.Message);
        Assert.Contains("(NULL now in rows 1, 2, 3, 4, 5, ...)", error.Message);
        Assert.Contains("restore customers.nickname from the verified snapshot", error.Remedy);
        var events = await target.Providers.Journal.ReadEventsAsync(PlanId, Ct);
        Assert.Contains(events, e => e.Kind == JournalEventKind.DataBaselineTaken && e.Phase == "drop_nickname"
            && e.Message.StartsWith("data baseline of customers (2,000 rows) taken in ", StringComparison.Ordinal));
        var differs = Assert.Single(events, e => e.Kind == JournalEventKind.RollbackDiffers);
        Assert.Contains("schema verified", differs.Message);
        Assert.Contains("data lost: customers.nickname", differs.Message);
        Assert.DoesNotContain(events, e => e.Kind == JournalEventKind.RollbackVerified);
        // The baselines stay, so the loss can be checked again (and restored from the snapshot).
        Assert.Equal(1L, await TestSql.ScalarAsync<long>(database.ConnectionString, "SELECT count(*) FROM sluice.data_baselines", Ct));
    }

    [Fact]
    public async Task The_lint_gate_blocks_a_promote_of_that_plan_naming_the_file_the_line_and_the_remedy()
    {
        await using var database = await NicknamedShopAsync();
        using var plans = DropNickname(EmptyDown);
        await using var release = new PostgresReleaseDatabase(database.ConnectionString);
        var state = await ReleaseFixtures.StateAsync(database.ConnectionString, Ct);

        var blocked = await Assert.ThrowsAsync<GatesBlockedException>(() => release.Service().PromoteAsync(ReleaseFixtures.Promote(release, plans), null, Ct));

        var lint = Assert.Single(blocked.Report.Results, r => r.Gate == "lint");
        Assert.Equal(GateVerdict.Fail, lint.Verdict);
        Assert.Contains($"{PlanId}/drop_nickname drop.sql:2: 'DROP COLUMN customers.nickname' destroys data that its down (drop.down.sql) does not bring back [SLU106]", lint.Evidence);
        Assert.Contains("mark phase 'drop_nickname' 'irreversible: true'", lint.Evidence);
        Assert.Equal(state, await ReleaseFixtures.StateAsync(database.ConnectionString, Ct));
        Assert.Null(await release.Migrations.Providers.Journal.FindPlanAsync(PlanId, Ct));
    }

    [Fact]
    public async Task A_down_that_repopulates_the_column_passes_the_lint_and_rolls_back_with_schema_and_data_verified()
    {
        await using var database = await NicknamedShopAsync();
        using var plans = DropNickname(RepopulatingDown);
        await using var release = new PostgresReleaseDatabase(database.ConnectionString);
        var before = await ReleaseFixtures.StateAsync(database.ConnectionString, Ct);
        var promoted = await release.Service().PromoteAsync(ReleaseFixtures.Promote(release, plans), null, Ct);
        Assert.Equal(GateVerdict.Pass, Assert.Single(promoted.Gates!.Results, r => r.Gate == "lint").Verdict);

        var rollback = await release.Service().RollbackAsync(ReleaseFixtures.Request(plans), RollbackTrigger.Manual, null, Ct);

        Assert.Equal(RollbackOutcome.Succeeded, rollback.Record.Outcome);
        Assert.Contains("schema verified: fingerprint ", rollback.Record.Detail);
        Assert.Contains("data verified: customers (2,000 rows) equal the baseline taken at ", rollback.Record.Detail);
        Assert.Equal(before, await ReleaseFixtures.StateAsync(database.ConnectionString, Ct));
        Assert.Contains(await release.Migrations.Providers.Journal.ReadEventsAsync(PlanId, Ct), e => e.Kind == JournalEventKind.RollbackVerified);
        Assert.Equal(0L, await TestSql.ScalarAsync<long>(database.ConnectionString, "SELECT count(*) FROM sluice.data_baselines", Ct));
    }

    [Fact]
    public async Task Rows_the_application_wrote_after_the_baseline_leave_the_data_not_verified_and_say_why()
    {
        await using var database = await NicknamedShopAsync();
        using var plans = DropNickname(RepopulatingDown);
        await using var target = new PostgresMigrationDatabase(database.ConnectionString);
        var request = new MigrationRequest(plans.Pipelines, null, "local", By: Runner);
        await target.Service().MigrateAsync(request, null, Ct);
        // The new code writes a customer after the contract.
        await TestSql.ExecuteAsync(database.ConnectionString,
            "INSERT INTO customers (id, full_name, email, display_name) VALUES (5001, 'New Person', 'new@example.com', 'newbie')", Ct);

        var rollback = await target.Service().RollbackAsync(request, null, Ct);

        Assert.Contains("schema verified", rollback.Summary);
        Assert.Contains("data not verified: customers: rows differ in 1 key range(s)", rollback.Summary);
        Assert.Contains("rows the application wrote after the data baseline", rollback.Summary);
        Assert.Contains(await target.Providers.Journal.ReadEventsAsync(PlanId, Ct), e => e.Kind == JournalEventKind.RollbackUnverified);
        Assert.Equal("newbie", await TestSql.ScalarAsync<string>(database.ConnectionString, "SELECT nickname FROM customers WHERE id = 5001", Ct));
    }

    /// <summary>The shop database with customers.nickname, filled for every row before any plan runs.</summary>
    private async Task<EphemeralDatabase> NicknamedShopAsync()
    {
        var database = await ShopDatabase.CreateAsync(postgres, Ct);
        await TestSql.ExecuteAsync(database.ConnectionString,
            "ALTER TABLE customers ADD COLUMN nickname text; UPDATE customers SET nickname = 'nick' || id; ANALYZE customers;", Ct);
        return database;
    }

    /// <summary>An expand copying nickname into display_name, then a contract dropping nickname with <paramref name="down"/>.</summary>
    private static PlanCopy DropNickname(string down)
    {
        var plans = PlanCopy.Empty();
        plans.Write(PlanId, "plan.yaml", $"""
            id: {PlanId}
            owner: team-shop
            risk: low
            description: nickname becomes display_name
            max_partial_state: 1h
            phases:
              - name: add_display_name
                kind: expand
                up: add.sql
                down: add.down.sql
              - name: drop_nickname
                kind: contract
                up: drop.sql
                down: drop.down.sql
            """);
        plans.Write(PlanId, "add.sql", "ALTER TABLE customers ADD COLUMN IF NOT EXISTS display_name text;\nUPDATE customers SET display_name = nickname;\n");
        plans.Write(PlanId, "add.down.sql", "ALTER TABLE customers DROP COLUMN IF EXISTS display_name;\n");
        plans.Write(PlanId, "drop.sql", "-- nothing reads nickname any more\nALTER TABLE customers DROP COLUMN nickname;\n");
        plans.Write(PlanId, "drop.down.sql", down);
        return plans;
    }
}
