using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;
using Sluice.Postgres.Clusters;
using Sluice.Postgres.Rehearsal;

namespace Sluice.Benchmarks.Synthetic;

/// <summary>
/// Issue 6's figures: 1M synthetic rows across three foreign-key-linked tables (100k customers, 300k orders, 600k
/// order lines) generated from a profile and loaded, against a raw binary COPY of the same rows already in memory
/// (the floor: what loading alone costs).
/// </summary>
public sealed class SyntheticBenchmarks : IBenchmarkSuite
{
    internal const string Schema = """
        CREATE TABLE customers (id bigint PRIMARY KEY, email text NOT NULL UNIQUE, segment text NOT NULL, score numeric(8,2), created_at timestamptz NOT NULL);
        CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customers (id), placed_at timestamptz NOT NULL,
                             total numeric(12,2) NOT NULL CHECK (total >= 0), status text NOT NULL);
        CREATE TABLE order_lines (id bigint PRIMARY KEY, order_id bigint NOT NULL REFERENCES orders (id), quantity integer NOT NULL,
                                  price numeric(10,2) NOT NULL, note text);
        """;

    // The same tables without keys, indexes or foreign keys: what the generator COPYs into (it sets them aside).
    private const string BareSchema = """
        CREATE TABLE customers (id bigint NOT NULL, email text NOT NULL, segment text NOT NULL, score numeric(8,2), created_at timestamptz NOT NULL);
        CREATE TABLE orders (id bigint NOT NULL, customer_id bigint NOT NULL, placed_at timestamptz NOT NULL,
                             total numeric(12,2) NOT NULL CHECK (total >= 0), status text NOT NULL);
        CREATE TABLE order_lines (id bigint NOT NULL, order_id bigint NOT NULL, quantity integer NOT NULL,
                                  price numeric(10,2) NOT NULL, note text);
        """;

    internal static readonly IReadOnlyDictionary<string, string> LoadSettings = new Dictionary<string, string>
    {
        ["shared_buffers"] = "512MB", ["max_wal_size"] = "4GB",
    };

    public string Name => "synthetic";

    public string Description => "1M synthetic rows in three FK-linked tables (100k/300k/600k): profile-driven generation + binary COPY vs a raw COPY of the same rows";

    public async Task RunAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        var output = context.Output;
        var factor = context.Large ? 10 : 1;
        var toolchain = await PostgresToolchain.DetectAsync(cancellationToken);
        await using var cluster = await LocalCluster.StartEphemeralAsync(toolchain, cancellationToken, LoadSettings);
        var source = await CreateDatabaseAsync(cluster, "bench_source", cancellationToken);
        await ExecuteAsync(source, Schema + Seed(100_000 * factor), cancellationToken);
        var clock = Stopwatch.StartNew();
        var profile = await PostgresProfiler.ReadAsync(source, new ProfileOptions("bench"), cancellationToken);
        var profiling = clock.Elapsed;

        // The first fill in a process also pays for compiling its code (the JIT's first tiers run the COPY loop slower);
        // it is reported, and the second fill, into another empty database, is the measurement.
        var cold = await CreateDatabaseAsync(cluster, "bench_cold", cancellationToken);
        await ExecuteAsync(cold, Schema, cancellationToken);
        var first = await SyntheticDataGenerator.FillAsync(cold, profile, new SyntheticOptions(RowBudget: 100_000_000), cancellationToken);
        var synthetic = await CreateDatabaseAsync(cluster, "bench_synthetic", cancellationToken);
        await ExecuteAsync(synthetic, Schema, cancellationToken);
        var result = await SyntheticDataGenerator.FillAsync(synthetic, profile, new SyntheticOptions(RowBudget: 100_000_000), cancellationToken);

        // The same rows, read back into typed arrays, then copied one table after another into bare tables like the
        // ones the generator fills: COPY alone, no generation, no keys.
        var rows = await RowsInMemory.ReadAsync(synthetic, cancellationToken);
        var raw = await CreateDatabaseAsync(cluster, "bench_raw", cancellationToken);
        await ExecuteAsync(raw, BareSchema, cancellationToken);
        clock.Restart();
        await rows.CopyAsync(raw, cancellationToken);
        var rawCopy = clock.Elapsed;
        // And into the full schema, keys and foreign keys checked per row: what loading cost before keys were set aside.
        var keyed = await CreateDatabaseAsync(cluster, "bench_keyed", cancellationToken);
        await ExecuteAsync(keyed, Schema, cancellationToken);
        clock.Restart();
        await rows.CopyAsync(keyed, cancellationToken);
        var keyedCopy = clock.Elapsed;

        output.WriteLine($"profile of {profile.TotalRows:N0} rows read in {profiling.TotalSeconds:F2} s (ANALYZE, counts, children-per-parent)");
        output.WriteLine();
        output.WriteLine("| table | rows | generate (columns set up, parent rows picked) | binary COPY (values computed as written) |");
        output.WriteLine("|---|---:|---:|---:|");
        foreach (var table in result.Tables)
            output.WriteLine($"| {table.Table} | {table.Rows:N0} | {table.Generate.TotalSeconds:F2} s | {table.Copy.TotalSeconds:F2} s |");
        output.WriteLine();
        output.WriteLine("| what | rows | time | rows/s |");
        output.WriteLine("|---|---:|---:|---:|");
        output.WriteLine($"| generator, first fill in the process (cold JIT) | {first.TotalRows:N0} | {first.Elapsed.TotalSeconds:F2} s | {first.TotalRows / first.Elapsed.TotalSeconds:N0} |");
        output.WriteLine($"| generator: read target schema, generate, COPY, rebuild keys, setval + ANALYZE | {result.TotalRows:N0} | {result.Elapsed.TotalSeconds:F2} s | {result.TotalRows / result.Elapsed.TotalSeconds:N0} |");
        output.WriteLine($"| generator's COPY phase (tables at once, keys set aside) | {result.TotalRows:N0} | {result.CopyPhase.TotalSeconds:F2} s | {result.TotalRows / result.CopyPhase.TotalSeconds:N0} |");
        output.WriteLine($"| generator's rebuild of {result.DeferredObjects} keys, indexes and foreign keys, after the last COPY | - | {result.Rebuild.TotalSeconds:F2} s | - |");
        output.WriteLine($"| generator's preparation (read the target schema, set keys aside) | - | {result.Prepare.TotalSeconds:F2} s | - |");
        output.WriteLine($"| generator's finish (sequences, ANALYZE) | - | {result.Finish.TotalSeconds:F2} s | - |");
        output.WriteLine($"| raw binary COPY of the same rows from memory into bare tables, one after another | {rows.Count:N0} | {rawCopy.TotalSeconds:F2} s | {rows.Count / rawCopy.TotalSeconds:N0} |");
        output.WriteLine($"| raw binary COPY of the same rows into tables with keys and foreign keys in place | {rows.Count:N0} | {keyedCopy.TotalSeconds:F2} s | {rows.Count / keyedCopy.TotalSeconds:N0} |");
        output.WriteLine();
        output.WriteLine($"generator's COPY phase / raw COPY into bare tables: {result.CopyPhase / rawCopy:F2}x; whole generator / raw COPY: {result.Elapsed / rawCopy:F2}x");
        output.WriteLine($"goal, 1M rows generated and loaded in <= 3 s: {(result.Elapsed.TotalSeconds <= 3 ? "met" : "NOT met")} ({result.Elapsed.TotalSeconds:F2} s); "
            + $"goal, COPY phase >= 600k rows/s: {(result.TotalRows / result.CopyPhase.TotalSeconds >= 600_000 ? "met" : "NOT met")} ({result.TotalRows / result.CopyPhase.TotalSeconds:N0} rows/s)");
    }

    internal static string Seed(int customers) => $"""
        SELECT setseed(0.1);
        INSERT INTO customers SELECT g, 'user' || g || '@example.com',
            (ARRAY['retail', 'retail', 'retail', 'business', 'vip'])[1 + floor(random() * 5)::int],
            CASE WHEN random() < 0.1 THEN NULL ELSE round((random() * 1000)::numeric, 2) END,
            timestamptz '2020-01-01 00:00:00+00' + make_interval(secs => g * 60)
        FROM generate_series(1, {customers}) g;
        INSERT INTO orders SELECT g, 1 + floor(power(random(), 2) * {customers})::int,
            timestamptz '2021-01-01 00:00:00+00' + make_interval(secs => floor(random() * 6e7)::int),
            round((exp(random() * 8))::numeric, 2), (ARRAY['placed', 'paid', 'paid', 'shipped', 'cancelled'])[1 + floor(random() * 5)::int]
        FROM generate_series(1, {customers * 3}) g;
        INSERT INTO order_lines SELECT g, 1 + floor(random() * {customers * 3})::int, 1 + floor(power(random(), 3) * 20)::int,
            round((random() * 200)::numeric, 2), CASE WHEN random() < 0.95 THEN NULL ELSE 'gift' END
        FROM generate_series(1, {customers * 6}) g;
        """;

    internal static async Task<string> CreateDatabaseAsync(LocalCluster cluster, string name, CancellationToken cancellationToken)
    {
        await ExecuteAsync(cluster.ConnectionString(), $"CREATE DATABASE {name}", cancellationToken);
        return cluster.ConnectionString(name);
    }

    private static async Task ExecuteAsync(string connectionString, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

/// <summary>The benchmark's three tables as typed arrays, and their COPY.</summary>
internal sealed record RowsInMemory(
    (long[] Id, string[] Email, string[] Segment, decimal?[] Score, DateTime[] Created) Customers,
    (long[] Id, long[] Customer, DateTime[] Placed, decimal[] Total, string[] Status) Orders,
    (long[] Id, long[] Order, int[] Quantity, decimal[] Price, string?[] Note) Lines)
{
    public long Count => Customers.Id.Length + Orders.Id.Length + Lines.Id.Length;

    public static async Task<RowsInMemory> ReadAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        var c = await ReadAsync(connection, "SELECT id, email, segment, score, created_at FROM customers ORDER BY id",
            r => (r.GetInt64(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? (decimal?)null : r.GetDecimal(3), r.GetFieldValue<DateTime>(4)), cancellationToken);
        var o = await ReadAsync(connection, "SELECT id, customer_id, placed_at, total, status FROM orders ORDER BY id",
            r => (r.GetInt64(0), r.GetInt64(1), r.GetFieldValue<DateTime>(2), r.GetDecimal(3), r.GetString(4)), cancellationToken);
        var l = await ReadAsync(connection, "SELECT id, order_id, quantity, price, note FROM order_lines ORDER BY id",
            r => (r.GetInt64(0), r.GetInt64(1), r.GetInt32(2), r.GetDecimal(3), r.IsDBNull(4) ? null : r.GetString(4)), cancellationToken);
        return new RowsInMemory(
            ([.. c.Select(x => x.Item1)], [.. c.Select(x => x.Item2)], [.. c.Select(x => x.Item3)], [.. c.Select(x => x.Item4)], [.. c.Select(x => x.Item5)]),
            ([.. o.Select(x => x.Item1)], [.. o.Select(x => x.Item2)], [.. o.Select(x => x.Item3)], [.. o.Select(x => x.Item4)], [.. o.Select(x => x.Item5)]),
            ([.. l.Select(x => x.Item1)], [.. l.Select(x => x.Item2)], [.. l.Select(x => x.Item3)], [.. l.Select(x => x.Item4)], [.. l.Select(x => x.Item5)]));
    }

    public async Task CopyAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using (var w = await connection.BeginBinaryImportAsync("COPY customers (id, email, segment, score, created_at) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            for (var i = 0; i < Customers.Id.Length; i++)
            {
                await w.StartRowAsync(cancellationToken);
                w.Write(Customers.Id[i], NpgsqlDbType.Bigint);
                w.Write(Customers.Email[i], NpgsqlDbType.Text);
                w.Write(Customers.Segment[i], NpgsqlDbType.Text);
                if (Customers.Score[i] is { } s) w.Write(s, NpgsqlDbType.Numeric); else w.WriteNull();
                w.Write(Customers.Created[i], NpgsqlDbType.TimestampTz);
            }
            await w.CompleteAsync(cancellationToken);
        }
        await using (var w = await connection.BeginBinaryImportAsync("COPY orders (id, customer_id, placed_at, total, status) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            for (var i = 0; i < Orders.Id.Length; i++)
            {
                await w.StartRowAsync(cancellationToken);
                w.Write(Orders.Id[i], NpgsqlDbType.Bigint);
                w.Write(Orders.Customer[i], NpgsqlDbType.Bigint);
                w.Write(Orders.Placed[i], NpgsqlDbType.TimestampTz);
                w.Write(Orders.Total[i], NpgsqlDbType.Numeric);
                w.Write(Orders.Status[i], NpgsqlDbType.Text);
            }
            await w.CompleteAsync(cancellationToken);
        }
        await using (var w = await connection.BeginBinaryImportAsync("COPY order_lines (id, order_id, quantity, price, note) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            for (var i = 0; i < Lines.Id.Length; i++)
            {
                await w.StartRowAsync(cancellationToken);
                w.Write(Lines.Id[i], NpgsqlDbType.Bigint);
                w.Write(Lines.Order[i], NpgsqlDbType.Bigint);
                w.Write(Lines.Quantity[i], NpgsqlDbType.Integer);
                w.Write(Lines.Price[i], NpgsqlDbType.Numeric);
                if (Lines.Note[i] is { } n) w.Write(n, NpgsqlDbType.Text); else w.WriteNull();
            }
            await w.CompleteAsync(cancellationToken);
        }
    }

    private static async Task<List<T>> ReadAsync<T>(NpgsqlConnection connection, string sql, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken)
    {
        var result = new List<T>();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) result.Add(read(reader));
        return result;
    }
}
