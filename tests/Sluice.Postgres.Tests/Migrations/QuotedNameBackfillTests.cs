using Sluice.Errors;
using Sluice.Migrations.Journal;
using Sluice.Migrations.Running;
using Sluice.Postgres.Migrations;
using Sluice.Testing.Postgres;

namespace Sluice.Postgres.Tests.Migrations;

/// <summary>
/// Backfills walk any real table by any real key (mixed case, spaces, quotes, schema-qualified, 63 bytes), and a name
/// that tries to smuggle SQL is refused before anything runs.
/// </summary>
public sealed class QuotedNameBackfillTests(PostgresFixture postgres)
{
    private const int Rows = 1000;
    private static readonly RunnerIdentity Runner = new("runner", "host", null);

    /// <summary>A name in SQL, quoted here independently of the code under test.</summary>
    private static string Q(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    [Theory]
    [InlineData("Sales", "OrderLines", "LineId")]
    [InlineData("Ledger \"EU\"", "Order Lines, 2026: the long name of sixty-three bytes exactly!!", "Line Id")]
    public async Task A_backfill_on_a_quoted_mixed_case_table_runs_and_resumes_from_its_checkpoint(string schema, string table, string key)
    {
        var ct = TestContext.Current.CancellationToken;
        Assert.True(System.Text.Encoding.UTF8.GetByteCount(table) <= 63);
        await using var database = await postgres.CreateDatabaseAsync(ct);
        var qualified = $"{Q(schema)}.{Q(table)}";
        await TestSql.ExecuteAsync(database.ConnectionString, $"""
            CREATE SCHEMA {Q(schema)};
            CREATE TABLE {qualified} ({Q(key)} bigint PRIMARY KEY, "Quantity" int NOT NULL, "Unit Price" numeric NOT NULL);
            INSERT INTO {qualified} SELECT g, g % 7 + 1, g * 0.5 FROM generate_series(1, {Rows}) g;
            """, ct);
        using var plans = PlanCopy.Empty();
        // In YAML the SQL name is written as in SQL, inside single quotes so YAML keeps the double ones.
        plans.Write("0001_line_totals", "plan.yaml", $"""
            id: 0001_line_totals
            owner: team-sales
            risk: low
            description: a total per order line
            max_partial_state: 1h
            phases:
              - name: add_total
                kind: expand
                up: add.sql
                down: drop.sql
              - name: backfill_total
                kind: backfill
                backfill:
                  table: '{qualified.Replace("'", "''", StringComparison.Ordinal)}'
                  key: '{Q(key)}'
                  batch: batch.sql
                  initial_batch_size: 100
                  min_batch_size: 100
                  max_batch_size: 100
            """);
        plans.Write("0001_line_totals", "add.sql", $"ALTER TABLE {qualified} ADD COLUMN \"Line Total\" numeric;");
        plans.Write("0001_line_totals", "drop.sql", $"ALTER TABLE {qualified} DROP COLUMN IF EXISTS \"Line Total\";");
        plans.Write("0001_line_totals", "batch.sql",
            $"UPDATE {qualified} SET \"Line Total\" = \"Quantity\" * \"Unit Price\" WHERE {Q(key)} > @lower AND {Q(key)} <= @upper;");
        await using var target = new PostgresMigrationDatabase(database.ConnectionString);
        var clock = new ManualClock();
        var progress = new RecordingProgress(r =>
        {
            if (r.Step == MigrationStep.Backfill && r.Backfill!.Batches == 3) clock.Advance(TimeSpan.FromMinutes(10));
        });
        var request = new MigrationRequest(plans.Pipelines, null, "local", TimeBudget: TimeSpan.FromMinutes(5), By: Runner);

        var first = await target.Service(clock).MigrateAsync(request, progress, ct);

        Assert.Equal(MigrationOutcome.Incomplete, first.Outcome);
        var paused = await target.Providers.Backfills.ReadCheckpointAsync("0001_line_totals", "backfill_total", ct);
        Assert.Equal((3L, 300L, 300L, false), (paused!.Batches, paused.RowsDone, paused.LastKey!.Value, paused.Completed));
        Assert.Equal(300L, await TestSql.ScalarAsync<long>(database.ConnectionString, $"SELECT count(\"Line Total\") FROM {qualified}", ct));

        var second = await target.Service().MigrateAsync(request with { TimeBudget = null }, null, ct);

        Assert.Equal(MigrationOutcome.Completed, second.Outcome);
        var done = await target.Providers.Backfills.ReadCheckpointAsync("0001_line_totals", "backfill_total", ct);
        Assert.Equal((10L, (long)Rows, true), (done!.Batches, done.RowsDone, done.Completed)); // resumed at key 300: nothing repeated
        Assert.Equal(0L, await TestSql.ScalarAsync<long>(database.ConnectionString,
            $"SELECT count(*) FROM {qualified} WHERE \"Line Total\" IS DISTINCT FROM \"Quantity\" * \"Unit Price\"", ct));
    }

    [Theory]
    [InlineData("table", "'customers; DROP TABLE orders'", "unexpected ';' at character 10")]
    [InlineData("table", "'\"customers\"; DROP TABLE orders; --'", "unexpected ';'")]
    [InlineData("table", "'customers WHERE false; DELETE FROM orders'", "unexpected 'W'")]
    [InlineData("key", "'id) FROM customers; DROP TABLE orders; --'", "unexpected ')'")]
    [InlineData("key", "'id\"'", "unexpected '\"'")]
    [InlineData("table", "'public.customers.id'", "at most 2 parts")]
    public async Task A_name_that_smuggles_sql_fails_with_exit_2_naming_the_line_and_touches_nothing(string field, string value, string expected)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await ShopDatabase.CreateAsync(postgres, ct);
        using var plans = PlanCopy.Sample((field == "table" ? "table: customers" : "key: id", $"{field}: {value}"));
        var line = File.ReadAllLines(Path.Combine(plans.SampleFolder, "plan.yaml")).ToList().FindIndex(l => l.TrimStart().StartsWith($"{field}: ", StringComparison.Ordinal)) + 1;
        const string census = "SELECT (SELECT count(*) FROM customers) + (SELECT count(*) FROM orders)";
        var before = await TestSql.ScalarAsync<long>(database.ConnectionString, census, ct);

        var (exitCode, output, _) = await CrashHostProcess.RunAsync(database.ConnectionString, plans.Pipelines, null, TimeSpan.Zero, "60s", ct);

        Assert.True(exitCode == 2, $"expected a usage error (exit 2), got {exitCode}:\n{output}");
        Assert.Contains("SLU030", output);
        Assert.Contains(expected, output);
        Assert.Contains($"plan.yaml:{line})", output);
        Assert.Equal(before, await TestSql.ScalarAsync<long>(database.ConnectionString, census, ct));
        Assert.False(await TestSql.ScalarAsync<bool>(database.ConnectionString, "SELECT to_regnamespace('sluice') IS NOT NULL", ct),
            "the journal was created: the database was touched");
        var loaded = Assert.Throws<SluiceException>(() => Sluice.Migrations.Plans.ServicePlans.Load(plans.Pipelines, null));
        Assert.Equal(ErrorKind.Usage, loaded.Kind);
    }
}
