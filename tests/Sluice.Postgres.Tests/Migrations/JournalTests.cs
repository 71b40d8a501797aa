using Sluice.Errors;
using Sluice.Migrations.Journal;
using Sluice.Migrations.Running;
using Sluice.Postgres.Migrations;
using Sluice.Testing.Postgres;

namespace Sluice.Postgres.Tests.Migrations;

public sealed class JournalTests(PostgresFixture postgres)
{
    private static readonly RunnerIdentity Runner = new("runner", "host", null);

    [Fact]
    public async Task The_journal_is_created_once_and_an_older_one_is_upgraded_step_by_step()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await postgres.CreateDatabaseAsync(ct);
        // A journal written by a Sluice that knew only the first step.
        await TestSql.ExecuteAsync(database.ConnectionString,
            "CREATE SCHEMA sluice; CREATE TABLE sluice.schema_version (version int PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());"
            + JournalSchema.Steps[0] + "; INSERT INTO sluice.schema_version (version) VALUES (1);", ct);
        await using var target = new PostgresMigrationDatabase(database.ConnectionString);

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => target.Providers.Journal.EnsureAsync(ct))); // racing runners
        await target.Providers.Journal.EnsureAsync(ct);

        Assert.Equal(string.Join(",", Enumerable.Range(1, JournalSchema.CurrentVersion)), await TestSql.ScalarAsync<string>(database.ConnectionString,
            "SELECT string_agg(version::text, ',' ORDER BY version) FROM sluice.schema_version", ct));
        Assert.Equal(0L, await TestSql.ScalarAsync<long>(database.ConnectionString, "SELECT count(*) FROM sluice.feature_flags", ct));
        Assert.Equal(0L, await TestSql.ScalarAsync<long>(database.ConnectionString, "SELECT count(*) FROM sluice.schema_baselines", ct));
        Assert.Equal(0L, await TestSql.ScalarAsync<long>(database.ConnectionString, "SELECT count(*) FROM sluice.data_baselines", ct));
    }

    [Fact]
    public async Task A_journal_from_a_newer_sluice_is_refused()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await postgres.CreateDatabaseAsync(ct);
        await using var target = new PostgresMigrationDatabase(database.ConnectionString);
        await target.Providers.Journal.EnsureAsync(ct);
        await TestSql.ExecuteAsync(database.ConnectionString, "INSERT INTO sluice.schema_version (version) VALUES (99)", ct);

        var error = await Assert.ThrowsAsync<SluiceException>(() => target.Providers.Journal.EnsureAsync(ct));
        Assert.Equal("SLU044", error.Code);
        Assert.Contains("version 99", error.Message);
    }

    [Fact]
    public async Task A_failing_verify_fails_the_phase_and_a_sql_error_names_the_file_and_line()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await ShopDatabase.CreateAsync(postgres, ct);
        using var plans = PlanCopy.Empty();
        plans.Write("0003_checked", "plan.yaml", """
            id: 0003_checked
            owner: team
            risk: low
            description: a phase whose verify says no, then one whose SQL is wrong
            max_partial_state: 1h
            phases:
              - name: add_column
                kind: expand
                up: up.sql
                down: down.sql
                verify: verify.sql
            """);
        plans.Write("0003_checked", "up.sql", "ALTER TABLE customers ADD COLUMN vip boolean;");
        plans.Write("0003_checked", "down.sql", "ALTER TABLE customers DROP COLUMN vip;");
        plans.Write("0003_checked", "verify.sql", "SELECT count(*) = 0 FROM customers");
        await using var target = new PostgresMigrationDatabase(database.ConnectionString);
        var request = new MigrationRequest(plans.Pipelines, null, "local", By: Runner);

        var verify = await Assert.ThrowsAsync<SluiceException>(() => target.Service().MigrateAsync(request, null, ct));
        Assert.Equal(("SLU042", ErrorKind.Failure), (verify.Code, verify.Kind));
        Assert.Contains("verify.sql returned false", verify.Message);
        Assert.Equal(JournalStatus.Failed, (await target.Providers.Journal.ReadPhasesAsync("0003_checked", ct)).Single().Status);

        await using var broken = await ShopDatabase.CreateAsync(postgres, ct);
        plans.Write("0003_checked", "up.sql", "ALTER TABLE customers ADD COLUMN vip boolean;\n\nUPDATE customers SET vip = nonsense;");
        await using var brokenTarget = new PostgresMigrationDatabase(broken.ConnectionString);
        var sql = await Assert.ThrowsAsync<SluiceException>(() => brokenTarget.Service().MigrateAsync(request, null, ct));
        Assert.Equal("SLU045", sql.Code);
        Assert.Contains("42703", sql.Message);
        Assert.EndsWith("up.sql", sql.File);
        Assert.Equal(3, sql.Line);
        // The transaction rolled back: the column of the first statement is not there either.
        Assert.False(await TestSql.ScalarAsync<bool>(broken.ConnectionString,
            "SELECT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_name = 'customers' AND column_name = 'vip')", ct));
    }
}
