using System.Diagnostics;
using Npgsql;
using Sluice.Fingerprints;
using Sluice.Postgres.Clusters;
using Sluice.Postgres.Fingerprints;
using Sluice.Postgres.Snapshots;
using Sluice.Snapshots;

namespace Sluice.Benchmarks.Fingerprints;

/// <summary>
/// Issue 5's figures: two equal tables of 1M rows (10M with --large) compared by Sluice against the floor (one plain
/// <c>sum(hashtextextended(row::text, 0))</c> scan of each table, both at once) and against a naive
/// <c>EXCEPT ALL</c> in both directions; the same with 10 scattered differences located; and a verified snapshot
/// (dump, fingerprint, restore, compare) against a plain <c>pg_dump</c> + <c>pg_restore</c>.
/// </summary>
public sealed class FingerprintBenchmarks : IBenchmarkSuite
{
    private static readonly TimeSpan EqualGoal = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan LocateGoal = TimeSpan.FromSeconds(1);

    /// <summary>Buffers large enough for the 10M-row tables, memory for the key builds.</summary>
    internal static readonly IReadOnlyDictionary<string, string> ScanSettings = new Dictionary<string, string>
    {
        ["shared_buffers"] = "4GB", ["max_wal_size"] = "8GB", ["work_mem"] = "256MB", ["maintenance_work_mem"] = "1GB",
    };

    public string Name => "fingerprints";

    public string Description => "equal tables (1M rows, 10M with --large): chunked diff vs one hash scan and EXCEPT ALL; 10 differences located; verified snapshot vs pg_dump + pg_restore";

    public async Task RunAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        var output = context.Output;
        var rows = context.Large ? 10_000_000 : 1_000_000;
        var toolchain = await PostgresToolchain.DetectAsync(cancellationToken);
        await using var cluster = await LocalCluster.StartEphemeralAsync(toolchain, cancellationToken, ScanSettings);
        var clock = Stopwatch.StartNew();
        await ExecuteAsync(cluster.ConnectionString(), "CREATE DATABASE bench", cancellationToken);
        var bench = cluster.ConnectionString("bench");
        await LoadAsync(bench, rows, cancellationToken);
        output.WriteLine($"{rows:N0} rows per table (bigint key, int, text, numeric, timestamptz, nullable text); loaded in {clock.Elapsed.TotalSeconds:F0} s; "
            + "accounts_b is an equal copy, accounts_c has 10 scattered differences (4 changed, 3 deleted, 3 inserted)");

        // Warm the buffers once, so the first contender does not pay for reading the tables from disk.
        await Task.WhenAll(FloorScanAsync(bench, "accounts_a", cancellationToken), FloorScanAsync(bench, "accounts_b", cancellationToken), FloorScanAsync(bench, "accounts_c", cancellationToken));
        var repeats = context.Large ? 1 : 3;
        output.WriteLine($"median of {repeats}; load average before: {LoadAverage()} (other work on this machine skews figures)");
        var floor = await MedianAsync(repeats, () => TimeAsync(() => Task.WhenAll(FloorScanAsync(bench, "accounts_a", cancellationToken), FloorScanAsync(bench, "accounts_b", cancellationToken))));
        var scans = await MedianAsync(repeats, () => TimeAsync(() => Task.WhenAll(RecordScanAsync(bench, "accounts_a", cancellationToken), RecordScanAsync(bench, "accounts_b", cancellationToken))));
        var equal1 = await MedianAsync(repeats, () => DiffAsync(bench, "accounts_b", 1, cancellationToken));
        var equal2 = await MedianAsync(repeats, () => DiffAsync(bench, "accounts_b", 2, cancellationToken));
        var located = await MedianAsync(repeats, () => DiffAsync(bench, "accounts_c", 2, cancellationToken));
        var exceptEqual = await TimeAsync(() => ExceptAllAsync(bench, "accounts_b", cancellationToken));
        var exceptDiff = await TimeAsync(() => ExceptAllAsync(bench, "accounts_c", cancellationToken));
        output.WriteLine($"load average after: {LoadAverage()}");

        if (!equal1.Diff.AreEqual || !equal2.Diff.AreEqual) throw new InvalidOperationException("equal tables compared unequal");
        var found = located.Diff.Missing + located.Diff.Extra + located.Diff.Changed;
        if ((located.Diff.Missing, located.Diff.Extra, located.Diff.Changed) != (3, 3, 4)) throw new InvalidOperationException($"expected 3 missing, 3 extra, 4 changed: {string.Join("; ", located.Diff.Describe())}");

        var best = equal1.Elapsed < equal2.Elapsed ? equal1 : equal2;
        output.WriteLine();
        output.WriteLine("| what | time | rows/s (per table) | vs floor |");
        output.WriteLine("|---|---:|---:|---:|");
        Row(output, "floor: sum(hashtextextended(row::text, 0)) of both tables at once", floor, rows, floor);
        Row(output, "sum(hash_record_extended(row, 0)) of both tables at once", scans, rows, floor);
        Row(output, "Sluice diff, equal tables, 1 connection per side", equal1.Elapsed, rows, floor);
        Row(output, "Sluice diff, equal tables, 2 connections per side", equal2.Elapsed, rows, floor);
        Row(output, $"Sluice diff, 10 differences located ({found} keys named), 2 connections per side", located.Elapsed, rows, floor);
        Row(output, "EXCEPT ALL both directions, equal tables", exceptEqual, rows, floor);
        Row(output, "EXCEPT ALL both directions, 10 differences (rows only, no keys of changed rows)", exceptDiff, rows, floor);
        output.WriteLine();
        var locating = located.Elapsed - best.Elapsed;
        output.WriteLine($"located: {string.Join("; ", located.Diff.Describe())}");
        output.WriteLine($"locating 10 differences adds {locating.TotalSeconds:F2} s to the equal case ({best.Elapsed.TotalSeconds:F2} s)");
        output.WriteLine(rows >= 10_000_000
            ? $"goal, equal 10M-row tables in <= {EqualGoal.TotalSeconds:F0} s: {(best.Elapsed <= EqualGoal ? "met" : "NOT met")} ({best.Elapsed.TotalSeconds:F2} s); "
              + $"goal, locating 10 differences adds <= {LocateGoal.TotalSeconds:F0} s: {(locating <= LocateGoal ? "met" : "NOT met")} ({locating.TotalSeconds:F2} s)"
            : $"goals are stated for 10M rows (run with --large); at this size: equal in {best.Elapsed.TotalSeconds:F2} s, locating adds {locating.TotalSeconds:F2} s");

        await SnapshotsAsync(cluster, toolchain, rows, output, cancellationToken);
    }

    private sealed record DiffRun(TimeSpan Elapsed, TableDiff Diff);

    private static async Task<TimeSpan> MedianAsync(int repeats, Func<Task<TimeSpan>> run)
    {
        var times = new List<TimeSpan>();
        for (var i = 0; i < repeats; i++) times.Add(await run());
        return times.Order().ElementAt(repeats / 2);
    }

    private static async Task<DiffRun> MedianAsync(int repeats, Func<Task<DiffRun>> run)
    {
        var runs = new List<DiffRun>();
        for (var i = 0; i < repeats; i++) runs.Add(await run());
        return runs.OrderBy(r => r.Elapsed).ElementAt(repeats / 2);
    }

    internal static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static async Task<DiffRun> DiffAsync(string bench, string target, int degree, CancellationToken cancellationToken)
    {
        TableDiff? diff = null;
        var elapsed = await TimeAsync(async () => diff = await PostgresFingerprints.DiffAsync(
            bench, FingerprintSource.Table("accounts_a"), bench, FingerprintSource.Table(target), cancellationToken, DiffOptions.Default with { Degree = degree }));
        return new DiffRun(elapsed, diff!);
    }

    private static Task FloorScanAsync(string bench, string table, CancellationToken cancellationToken) =>
        ExecuteAsync(bench, $"SET jit = off; SELECT count(*), sum(hashtextextended(t::text, 0)) FROM {table} AS t", cancellationToken);

    private static Task RecordScanAsync(string bench, string table, CancellationToken cancellationToken) =>
        ExecuteAsync(bench, $"SET jit = off; SELECT count(*), sum(hash_record_extended(t, 0)) FROM {table} AS t", cancellationToken);

    private static Task ExceptAllAsync(string bench, string target, CancellationToken cancellationToken) =>
        ExecuteAsync(bench, $"""
            SET jit = off;
            SELECT count(*) FROM ((SELECT * FROM accounts_a EXCEPT ALL SELECT * FROM {target}) UNION ALL (SELECT * FROM {target} EXCEPT ALL SELECT * FROM accounts_a)) AS d
            """, cancellationToken);

    private static async Task SnapshotsAsync(LocalCluster cluster, PostgresToolchain toolchain, int rows, TextWriter output, CancellationToken cancellationToken)
    {
        await ExecuteAsync(cluster.ConnectionString(), "CREATE DATABASE bench_snap", cancellationToken);
        var source = cluster.ConnectionString("bench_snap");
        await LoadTableAsync(source, "accounts", rows, cancellationToken);
        await ExecuteAsync(source, "ALTER TABLE accounts ADD PRIMARY KEY (id)", cancellationToken);
        await ExecuteAsync(source, "VACUUM ANALYZE accounts", cancellationToken);
        var folder = Path.Combine(Path.GetTempPath(), $"sluice-bench-snap-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            var environment = Credentials(cluster, "bench_snap");
            output.WriteLine();
            output.WriteLine($"snapshots of one {rows:N0}-row table:");
            output.WriteLine("| what | time | vs plain |");
            output.WriteLine("|---|---:|---:|");
            // The large variant measures the parallel directory format only, to stay within about ten minutes.
            (SnapshotFormat, string)[] formats = rows > 1_000_000
                ? [(SnapshotFormat.Directory, "directory")]
                : [(SnapshotFormat.Custom, "custom"), (SnapshotFormat.Directory, "directory")];
            foreach (var (format, flag) in formats)
            {
                var plain = await TimeAsync(async () =>
                {
                    var archive = Path.Combine(folder, $"plain-{flag}");
                    await RunAsync(toolchain, "pg_dump", [$"--format={flag}", $"--file={archive}", "--jobs=2", "--no-password"], environment, cancellationToken, format == SnapshotFormat.Directory);
                    await ExecuteAsync(cluster.ConnectionString(), $"CREATE DATABASE plain_{flag}", cancellationToken);
                    await RunAsync(toolchain, "pg_restore", ["--no-owner", "--jobs=2", "--no-password", $"--dbname=plain_{flag}", archive], environment, cancellationToken, true);
                });
                var store = new PgDumpSnapshotStore(new PgDumpSnapshotOptions
                {
                    Folder = Path.Combine(folder, flag), Environment = "bench", Format = format, VerifyServer = cluster.ConnectionString(),
                }, toolchain);
                SnapshotManifest? manifest = null;
                var create = await TimeAsync(async () => manifest = await store.CreateAsync(source, cancellationToken));
                var verify = await TimeAsync(() => store.VerifyAsync(manifest!.Id, cancellationToken));
                output.WriteLine($"| plain pg_dump ({flag}) + pg_restore -j 2 | {plain.TotalSeconds:F1} s | 1.00x |");
                output.WriteLine($"| Sluice snapshot ({flag}: dump + fingerprint in its snapshot) | {create.TotalSeconds:F1} s | {create / plain:F2}x |");
                output.WriteLine($"| Sluice verify ({flag}: SHA-256, restore, fingerprint, compare) | {verify.TotalSeconds:F1} s | {verify / plain:F2}x |");
                output.WriteLine($"| Sluice snapshot + verify ({flag}) | {(create + verify).TotalSeconds:F1} s | {(create + verify) / plain:F2}x |");
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static IReadOnlyDictionary<string, string> Credentials(LocalCluster cluster, string database)
    {
        var b = new NpgsqlConnectionStringBuilder(cluster.ConnectionString(database));
        return new Dictionary<string, string>
        {
            ["PGHOST"] = b.Host!, ["PGPORT"] = b.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["PGUSER"] = b.Username!, ["PGPASSWORD"] = b.Password!, ["PGDATABASE"] = database,
        };
    }

    private static async Task RunAsync(PostgresToolchain toolchain, string program, List<string> arguments, IReadOnlyDictionary<string, string> environment,
        CancellationToken cancellationToken, bool parallel)
    {
        if (!parallel) arguments.RemoveAll(a => a.StartsWith("--jobs", StringComparison.Ordinal));
        var result = await toolchain.RunClientProgramAsync(program, arguments, cancellationToken, environment);
        if (!result.Succeeded) throw new InvalidOperationException($"{program} failed: {result.Output}");
    }

    private static async Task LoadAsync(string bench, int rows, CancellationToken cancellationToken)
    {
        await LoadTableAsync(bench, "accounts_a", rows, cancellationToken);
        await ExecuteAsync(bench, "ALTER TABLE accounts_a ADD PRIMARY KEY (id)", cancellationToken);
        await Task.WhenAll(
            ExecuteAsync(bench, "CREATE TABLE accounts_b AS SELECT * FROM accounts_a; ALTER TABLE accounts_b ADD PRIMARY KEY (id)", cancellationToken),
            ExecuteAsync(bench, "CREATE TABLE accounts_c AS SELECT * FROM accounts_a; ALTER TABLE accounts_c ADD PRIMARY KEY (id)", cancellationToken));
        var step = rows / 11;
        await ExecuteAsync(bench, $"""
            UPDATE accounts_c SET balance = balance + 0.01 WHERE id = {step};
            UPDATE accounts_c SET name = name || '!' WHERE id = {2 * step};
            UPDATE accounts_c SET note = NULL WHERE id = {3 * step + 1};
            UPDATE accounts_c SET created_at = created_at + interval '1 microsecond' WHERE id = {4 * step};
            DELETE FROM accounts_c WHERE id IN ({5 * step}, {6 * step}, {7 * step});
            INSERT INTO accounts_c SELECT id + {rows * 2}, customer, name, balance, created_at, note FROM accounts_a WHERE id IN ({8 * step}, {9 * step}, {10 * step});
            """, cancellationToken);
        // VACUUM refuses to run inside a multi-statement batch.
        foreach (var table in new[] { "accounts_a", "accounts_b", "accounts_c" }) await ExecuteAsync(bench, $"VACUUM ANALYZE {table}", cancellationToken);
        await ExecuteAsync(bench, "CHECKPOINT", cancellationToken);
    }

    internal static Task LoadTableAsync(string connectionString, string table, int rows, CancellationToken cancellationToken) =>
        ExecuteAsync(connectionString, $"""
            DROP TABLE IF EXISTS {table};
            CREATE TABLE {table} (id bigint NOT NULL, customer int NOT NULL, name text NOT NULL, balance numeric(14, 2) NOT NULL,
                created_at timestamptz NOT NULL, note text);
            INSERT INTO {table}
            SELECT g, g % 100000, 'Customer ' || g, (g % 100000) / 7.0, timestamptz '2025-01-01 00:00:00+00' + make_interval(secs => g),
                   CASE WHEN g % 3 = 0 THEN NULL ELSE 'note ' || (g % 1000) END
            FROM generate_series(1, {rows}) AS g;
            """, cancellationToken);

    private static async Task<TimeSpan> TimeAsync(Func<Task> work)
    {
        var clock = Stopwatch.StartNew();
        await work();
        return clock.Elapsed;
    }

    private static void Row(TextWriter output, string what, TimeSpan elapsed, int rows, TimeSpan floor) =>
        output.WriteLine($"| {what} | {elapsed.TotalSeconds:F2} s | {rows / elapsed.TotalSeconds:N0} | {elapsed / floor:F2}x |");

    private static async Task ExecuteAsync(string connectionString, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
