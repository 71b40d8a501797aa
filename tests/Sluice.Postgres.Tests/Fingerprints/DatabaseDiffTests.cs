using Sluice.Fingerprints;
using Sluice.Postgres.Fingerprints;
using Sluice.Testing.Postgres;

namespace Sluice.Postgres.Tests.Fingerprints;

public sealed class DatabaseDiffTests(PostgresFixture postgres)
{
    private static readonly DiffOptions Small = new(InitialChunks: 8, Factor: 4, RowThreshold: 50);

    private async Task<DiffReport> DiffAfterAsync(string change, CancellationToken ct, string? sourceChange = null)
    {
        await using var source = await FingerprintShop.CreateAsync(postgres, 1000, analyze: true, ct);
        await using var target = await FingerprintShop.CreateAsync(postgres, 1000, analyze: false, ct);
        if (sourceChange is not null) await TestSql.ExecuteAsync(source.ConnectionString, sourceChange, ct);
        if (change.Length > 0) await TestSql.ExecuteAsync(target.ConnectionString, change, ct);
        return await new PostgresFingerprints().DiffAsync(source.ConnectionString, target.ConnectionString, ct, Small);
    }

    private static TableDiff Table(DiffReport report, string name) => report.Tables.Single(t => t.Source == name);

    [Fact]
    public async Task Identical_databases_compare_equal_and_a_table_without_a_key_is_reported_as_such()
    {
        var report = await DiffAfterAsync("", TestContext.Current.CancellationToken);

        Assert.True(report.AreEqual, report.Render());
        Assert.Equal(["audit_log", "customers", "order_lines", "orders"], report.Tables.Select(t => t.Source));
        Assert.False(Table(report, "audit_log").Locatable);
        Assert.Contains("audit_log: equal as a whole (500 rows); rows cannot be located: no primary key", report.Render());
        Assert.Equal(1000, Table(report, "customers").SourceRows);
    }

    [Fact]
    public async Task One_changed_row_is_located_by_its_key()
    {
        var report = await DiffAfterAsync("UPDATE customers SET last_name = 'Changed' WHERE id = 617", TestContext.Current.CancellationToken);

        var customers = Table(report, "customers");
        Assert.Equal((0, 0, 1), (customers.Missing, customers.Extra, customers.Changed));
        Assert.Equal([RowKey.Of("617")], customers.ChangedSample);
        Assert.Contains("customers: 1 changed key(s): 617", report.Render());
        Assert.All(report.Tables.Where(t => t.Source != "customers"), t => Assert.True(t.AreEqual));
    }

    [Fact]
    public async Task A_deleted_row_is_missing_and_an_inserted_row_is_extra()
    {
        var report = await DiffAfterAsync("""
            DELETE FROM order_lines WHERE order_id = 1200 AND line = 2;
            INSERT INTO orders VALUES (99999, 5, 'new', now(), '{}', point(0, 0));
            """, TestContext.Current.CancellationToken);

        var lines = Table(report, "order_lines");
        Assert.Equal((1, 0, 0), (lines.Missing, lines.Extra, lines.Changed));
        Assert.Equal([RowKey.Of("1200", "2")], lines.MissingSample);
        var orders = Table(report, "orders");
        Assert.Equal((0, 1, 0), (orders.Missing, orders.Extra, orders.Changed));
        Assert.Equal([RowKey.Of("99999")], orders.ExtraSample);
        Assert.Contains("order_lines: 1 missing key(s): (1200, 2)", report.Render());
    }

    [Fact]
    public async Task An_added_column_is_a_schema_change_and_rows_still_compare_on_the_shared_columns()
    {
        var report = await DiffAfterAsync("ALTER TABLE customers ADD COLUMN nickname text", TestContext.Current.CancellationToken);

        Assert.Equal(["column customers.nickname: added"], report.SchemaChanges.Select(c => c.ToString()));
        var customers = Table(report, "customers");
        Assert.Equal(["nickname"], customers.ColumnsOnlyInTarget);
        Assert.Equal((0, 0, 0), (customers.Missing, customers.Extra, customers.Changed));
        Assert.False(report.AreEqual);
    }

    [Fact]
    public async Task A_changed_default_and_a_dropped_index_are_named()
    {
        var report = await DiffAfterAsync("ALTER TABLE orders ALTER COLUMN status SET DEFAULT 'open'; DROP INDEX orders_created_idx",
            TestContext.Current.CancellationToken);

        Assert.Equal(["default of orders.status: 'new' -> 'open'", "index orders_created_idx: dropped"],
            report.SchemaChanges.Select(c => c.ToString()));
        Assert.All(report.Tables, t => Assert.True(t.AreEqual));
    }

    [Fact]
    public async Task Null_and_empty_string_differ_while_equal_numbers_written_differently_do_not()
    {
        // Customer 10 has a NULL email; 15 has ratio 0.0 and score 2.14.
        var report = await DiffAfterAsync("""
            UPDATE customers SET email = '' WHERE id = 10;
            UPDATE customers SET ratio = -0.0, score = 2.1400 WHERE id = 15;
            UPDATE customers SET score = 3.00 WHERE id = 21;
            UPDATE customers SET score = 3.01 WHERE id = 22;
            """, TestContext.Current.CancellationToken, sourceChange: "UPDATE customers SET score = 3.0 WHERE id IN (21, 22)");

        var customers = Table(report, "customers");
        Assert.Equal([RowKey.Of("10"), RowKey.Of("22")], customers.ChangedSample);
        Assert.Equal(2, customers.Changed);
    }

    [Fact]
    public async Task Changes_in_columns_without_a_hash_function_are_found_through_their_text()
    {
        var report = await DiffAfterAsync("""
            UPDATE orders SET payload = '{"n": 0}' WHERE id = 300;
            UPDATE orders SET location = point(1, 1) WHERE id = 301;
            """, TestContext.Current.CancellationToken);

        var orders = Table(report, "orders");
        Assert.Equal([RowKey.Of("300"), RowKey.Of("301")], orders.ChangedSample);
    }

    [Fact]
    public async Task A_change_in_a_table_without_a_key_is_found_but_cannot_be_located()
    {
        var report = await DiffAfterAsync("UPDATE audit_log SET message = 'edited' WHERE message = 'event 7'", TestContext.Current.CancellationToken);

        var audit = Table(report, "audit_log");
        Assert.False(audit.Locatable);
        Assert.True(audit.WholeTableDiffers);
        Assert.Contains("audit_log: differs (500 rows -> 500); rows cannot be located: no primary key", report.Render());
    }

    [Fact]
    public async Task The_sluice_schema_is_left_out_by_default()
    {
        var report = await DiffAfterAsync("UPDATE sluice.journal SET note = 'journal moves on'", TestContext.Current.CancellationToken);

        Assert.True(report.AreEqual, report.Render());
    }

    [Fact]
    public async Task Duplicate_rows_do_not_cancel_out()
    {
        // Two copies of one row on each side, different rows, same count: an XOR of row hashes would call the tables
        // equal (each pair cancels); a sum does not.
        var report = await DiffAfterAsync("INSERT INTO audit_log VALUES ('2026-01-01', 'y'), ('2026-01-01', 'y')",
            TestContext.Current.CancellationToken, sourceChange: "INSERT INTO audit_log VALUES ('2026-01-01', 'x'), ('2026-01-01', 'x')");

        var audit = Table(report, "audit_log");
        Assert.Equal(audit.SourceRows, audit.TargetRows);
        Assert.True(audit.WholeTableDiffers);
    }
}
