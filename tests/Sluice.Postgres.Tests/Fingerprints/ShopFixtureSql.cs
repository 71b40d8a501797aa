using Sluice.Postgres.Databases;
using Sluice.Testing.Postgres;

namespace Sluice.Postgres.Tests.Fingerprints;

/// <summary>A small shop with the types that make fingerprints hard: numeric, float, NULLs, json and point (no hash
/// function), timestamps, a composite key and a table without a key.</summary>
internal static class FingerprintShop
{
    public const string Schema = """
        CREATE TABLE customers (id bigint PRIMARY KEY, first_name text NOT NULL, last_name text NOT NULL, full_name text,
            email text, score numeric, ratio double precision, created_at timestamptz NOT NULL);
        CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customers (id), status text NOT NULL DEFAULT 'new',
            created_at timestamptz NOT NULL, payload json, location point);
        CREATE INDEX orders_created_idx ON orders (created_at);
        CREATE TABLE order_lines (order_id bigint NOT NULL REFERENCES orders (id), line int NOT NULL, sku text NOT NULL, quantity int NOT NULL,
            PRIMARY KEY (order_id, line));
        CREATE TABLE audit_log (at timestamptz NOT NULL, message text);
        CREATE FUNCTION order_touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.created_at := coalesce(NEW.created_at, now()); RETURN NEW; END $$;
        CREATE TRIGGER orders_touch BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION order_touch();
        CREATE VIEW open_orders AS SELECT id, customer_id FROM orders WHERE status = 'new';
        CREATE SCHEMA sluice; CREATE TABLE sluice.journal (id int PRIMARY KEY, note text);
        """;

    public static string Seed(int customers) => $"""
        INSERT INTO customers
        SELECT g, 'First' || g, 'Last' || (g % 97), 'First' || g || ' Last' || (g % 97),
               CASE WHEN g % 10 = 0 THEN NULL ELSE 'c' || g || '@example.com' END,
               round(g / 7.0, 2), CASE WHEN g % 5 = 0 THEN 0.0 ELSE g / 3.0 END,
               timestamptz '2026-01-01 00:00:00+00' + make_interval(mins => g)
        FROM generate_series(1, {customers}) AS g;
        INSERT INTO orders SELECT g, 1 + g % {customers}, CASE WHEN g % 3 = 0 THEN 'paid' ELSE 'new' END,
               timestamptz '2026-02-01 00:00:00+00' + make_interval(secs => g), json_build_object('n', g), point(g, -g)
        FROM generate_series(1, {customers * 2}) AS g;
        INSERT INTO order_lines SELECT o, l, 'SKU-' || (o * l % 101), l FROM generate_series(1, {customers * 2}) AS o, generate_series(1, 3) AS l;
        INSERT INTO audit_log SELECT timestamptz '2026-03-01 00:00:00+00' + make_interval(secs => g), 'event ' || g FROM generate_series(1, 500) AS g;
        INSERT INTO sluice.journal VALUES (1, 'not user data');
        """;

    /// <summary>A database holding the shop with <paramref name="customers"/> customers; analyzed when asked, so
    /// chunks come from the key's histogram.</summary>
    public static async Task<EphemeralDatabase> CreateAsync(PostgresFixture postgres, int customers, bool analyze, CancellationToken cancellationToken)
    {
        var database = await postgres.CreateDatabaseAsync(cancellationToken);
        await TestSql.ExecuteAsync(database.ConnectionString, Schema + Seed(customers) + (analyze ? "ANALYZE;" : ""), cancellationToken);
        return database;
    }
}
