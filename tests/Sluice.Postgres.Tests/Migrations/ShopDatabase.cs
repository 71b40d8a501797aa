using Sluice.Postgres.Databases;
using Sluice.Tests;
using Sluice.Testing.Postgres;

namespace Sluice.Postgres.Tests.Migrations;

/// <summary>A fresh database holding the shop service's base schema, plus helpers to read it back.</summary>
internal static class ShopDatabase
{
    /// <summary>Clones the fixture's template and loads <c>pipelines/shop/schema/0000_base.sql</c>, with
    /// <paramref name="extraCustomers"/> more deterministic rows for work that must take a while.</summary>
    public static async Task<EphemeralDatabase> CreateAsync(PostgresFixture postgres, CancellationToken cancellationToken, int extraCustomers = 0)
    {
        var database = await postgres.CreateDatabaseAsync(cancellationToken);
        await TestSql.ExecuteAsync(database.ConnectionString, await File.ReadAllTextAsync(Path.Combine(RepositoryFiles.Pipelines, "shop", "schema", "0000_base.sql"), cancellationToken), cancellationToken);
        if (extraCustomers > 0)
            await TestSql.ExecuteAsync(database.ConnectionString, $"""
                INSERT INTO customers (full_name, email, created_at)
                SELECT (ARRAY['Ada', 'Alan', 'Grace', 'Ken'])[1 + g % 4] || ' ' || (ARRAY['Lovelace', 'de Turing', 'Hopper'])[1 + g % 3] || ' ' || g,
                       'extra' || g || '@example.com', timestamptz '2025-01-01 00:00:00+00' + make_interval(secs => g)
                FROM generate_series(1, {extraCustomers}) AS g;
                ANALYZE customers;
                """, cancellationToken);
        return database;
    }

    /// <summary>Every row of <c>customers</c> in key order, hashed: equal hashes mean equal tables, row for row.</summary>
    public static Task<string> CustomersFingerprintAsync(string connectionString, CancellationToken cancellationToken) =>
        TestSql.ScalarAsync<string>(connectionString, "SELECT md5(string_agg(c::text, E'\\n' ORDER BY id)) FROM customers c", cancellationToken);

    /// <summary>Rows whose split columns disagree with full_name: what a lost write would leave behind.</summary>
    public static Task<long> OutOfStepRowsAsync(string connectionString, CancellationToken cancellationToken) =>
        TestSql.ScalarAsync<long>(connectionString, """
            SELECT count(*) FROM customers
            WHERE first_name IS DISTINCT FROM shop_first_name(full_name) OR last_name IS DISTINCT FROM shop_last_name(full_name)
            """, cancellationToken);
}
