using System.Diagnostics;
using System.Globalization;
using Npgsql;
using Sluice.Postgres.Clusters;

namespace Sluice.Benchmarks.Clusters;

/// <summary>
/// Issue 3's figures: how long an ephemeral cluster takes from nothing to its first query (against restarting an
/// existing one), and how long a ~150 MB database (pgbench scale 10) takes to clone with CREATE DATABASE's two
/// strategies against the pg_dump | pg_restore path they replace.
/// </summary>
public sealed class ClusterBenchmarks : IBenchmarkSuite
{
    private const int Repeats = 3;

    public string Name => "clusters";

    public string Description => "local cluster creation to first query; cloning a pgbench database: FILE_COPY, WAL_LOG, pg_dump | pg_restore";

    public async Task RunAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        var output = context.Output;
        var toolchain = await PostgresToolchain.DetectAsync(cancellationToken);
        output.WriteLine($"binaries: {toolchain.Binaries.Directory} (found by {toolchain.Binaries.FoundBy}); server account: {toolchain.Account}");

        await MeasureStartupAsync(toolchain, output, cancellationToken);
        await MeasureClonesAsync(toolchain, output, context.Large ? 50 : 10, cancellationToken);
    }

    private static async Task MeasureStartupAsync(PostgresToolchain toolchain, TextWriter output, CancellationToken cancellationToken)
    {
        var create = new List<TimeSpan>();
        var restart = new List<TimeSpan>();
        for (var i = 0; i < Repeats; i++)
        {
            var clock = Stopwatch.StartNew();
            await using var cluster = await LocalCluster.StartEphemeralAsync(toolchain, cancellationToken);
            await FirstQueryAsync(cluster, cancellationToken);
            create.Add(clock.Elapsed);

            await cluster.StopAsync(cancellationToken);
            clock.Restart();
            await cluster.StartAsync(cancellationToken);
            await FirstQueryAsync(cluster, cancellationToken);
            restart.Add(clock.Elapsed);
        }
        output.WriteLine();
        output.WriteLine($"cluster to first query (median of {Repeats}; initdb + start + connect):");
        Row(output, "create ephemeral cluster", Median(create), Median(restart), "restart");
        Row(output, "restart existing cluster", Median(restart), Median(restart), "restart");
    }

    private static async Task MeasureClonesAsync(PostgresToolchain toolchain, TextWriter output, int scale, CancellationToken cancellationToken)
    {
        await using var cluster = await LocalCluster.StartEphemeralAsync(toolchain, cancellationToken);
        await ExecuteAsync(cluster.ConnectionString(), "CREATE DATABASE bench_source", cancellationToken);
        await MeasureSmallClonesAsync(cluster, output, cancellationToken);
        var environment = Credentials(cluster);
        var init = await toolchain.RunClientProgramAsync("pgbench",
            ["-i", "-s", scale.ToString(CultureInfo.InvariantCulture), "-q", "-h", "127.0.0.1", "-p", Port(cluster), "-U", cluster.Superuser, "bench_source"],
            cancellationToken, environment);
        if (!init.Succeeded) throw new InvalidOperationException($"pgbench -i failed: {init.Output}");
        var size = (long)(await ScalarAsync(cluster.ConnectionString(), "SELECT pg_database_size('bench_source')", cancellationToken))!;
        NpgsqlConnection.ClearAllPools();

        var fileCopy = await RepeatAsync(name => ExecuteAsync(cluster.ConnectionString(), $"CREATE DATABASE {name} TEMPLATE bench_source STRATEGY FILE_COPY", cancellationToken), cluster, cancellationToken);
        var walLog = await RepeatAsync(name => ExecuteAsync(cluster.ConnectionString(), $"CREATE DATABASE {name} TEMPLATE bench_source STRATEGY WAL_LOG", cancellationToken), cluster, cancellationToken);
        var dumpRestore = await RepeatAsync(name => DumpRestoreAsync(toolchain, cluster, name, cancellationToken), cluster, cancellationToken);

        output.WriteLine();
        output.WriteLine($"cloning a pgbench scale {scale} database ({size / (1024.0 * 1024.0):F0} MiB), median of {Repeats}; ratio against pg_dump | pg_restore:");
        Row(output, "CREATE DATABASE ... STRATEGY FILE_COPY", fileCopy, dumpRestore, "dump/restore");
        Row(output, "CREATE DATABASE ... STRATEGY WAL_LOG", walLog, dumpRestore, "dump/restore");
        Row(output, "pg_dump -Fc | pg_restore", dumpRestore, dumpRestore, "dump/restore");
    }

    /// <summary>The test fixture's case: a small template (one table, 1000 rows) cloned per test.</summary>
    private static async Task MeasureSmallClonesAsync(LocalCluster cluster, TextWriter output, CancellationToken cancellationToken)
    {
        await ExecuteAsync(cluster.ConnectionString(), "CREATE DATABASE bench_small", cancellationToken);
        var unpooled = new NpgsqlConnectionStringBuilder(cluster.ConnectionString("bench_small")) { Pooling = false }.ConnectionString;
        await ExecuteAsync(unpooled, "CREATE TABLE items (id int PRIMARY KEY, name text); INSERT INTO items SELECT i, 'item ' || i FROM generate_series(1, 1000) i", cancellationToken);
        var fileCopy = await RepeatAsync(name => ExecuteAsync(cluster.ConnectionString(), $"CREATE DATABASE {name} TEMPLATE bench_small STRATEGY FILE_COPY", cancellationToken), cluster, cancellationToken);
        var walLog = await RepeatAsync(name => ExecuteAsync(cluster.ConnectionString(), $"CREATE DATABASE {name} TEMPLATE bench_small STRATEGY WAL_LOG", cancellationToken), cluster, cancellationToken);
        output.WriteLine();
        output.WriteLine($"cloning a small template (one table, 1000 rows), median of {Repeats}:");
        Row(output, "CREATE DATABASE ... STRATEGY FILE_COPY", fileCopy, fileCopy, "FILE_COPY");
        Row(output, "CREATE DATABASE ... STRATEGY WAL_LOG", walLog, fileCopy, "FILE_COPY");
    }

    /// <summary>Times <paramref name="clone"/> into fresh databases, dropping each after, and returns the median.</summary>
    private static async Task<TimeSpan> RepeatAsync(Func<string, Task> clone, LocalCluster cluster, CancellationToken cancellationToken)
    {
        var times = new List<TimeSpan>();
        for (var i = 0; i < Repeats; i++)
        {
            var name = $"bench_clone_{i}";
            var clock = Stopwatch.StartNew();
            await clone(name);
            times.Add(clock.Elapsed);
            NpgsqlConnection.ClearAllPools();
            await ExecuteAsync(cluster.ConnectionString(), $"DROP DATABASE {name} WITH (FORCE)", cancellationToken);
        }
        return Median(times);
    }

    private static async Task DumpRestoreAsync(PostgresToolchain toolchain, LocalCluster cluster, string target, CancellationToken cancellationToken)
    {
        await ExecuteAsync(cluster.ConnectionString(), $"CREATE DATABASE {target} TEMPLATE template0", cancellationToken);
        var connection = new[] { "-h", "127.0.0.1", "-p", Port(cluster), "-U", cluster.Superuser };
        using var dump = Start(toolchain.Binaries.Tool("pg_dump"), [.. connection, "-Fc", "-Z0", "bench_source"], cluster, redirectInput: false);
        using var restore = Start(toolchain.Binaries.Tool("pg_restore"), [.. connection, "--no-owner", "-d", target], cluster, redirectInput: true);
        var stderrDump = dump.StandardError.ReadToEndAsync(cancellationToken);
        var stderrRestore = restore.StandardError.ReadToEndAsync(cancellationToken);
        await dump.StandardOutput.BaseStream.CopyToAsync(restore.StandardInput.BaseStream, cancellationToken);
        restore.StandardInput.Close();
        await Task.WhenAll(dump.WaitForExitAsync(cancellationToken), restore.WaitForExitAsync(cancellationToken));
        if (dump.ExitCode != 0 || restore.ExitCode != 0)
            throw new InvalidOperationException($"pg_dump | pg_restore failed: {await stderrDump} {await stderrRestore}");
    }

    private static Process Start(string program, string[] arguments, LocalCluster cluster, bool redirectInput)
    {
        var start = new ProcessStartInfo(program, arguments)
        {
            RedirectStandardOutput = !redirectInput,
            RedirectStandardInput = redirectInput,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in Credentials(cluster)) start.Environment[key] = value;
        return Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
    }

    private static Dictionary<string, string> Credentials(LocalCluster cluster) =>
        new() { ["PGPASSWORD"] = new NpgsqlConnectionStringBuilder(cluster.ConnectionString()).Password! };

    private static string Port(LocalCluster cluster) => cluster.Port.ToString(CultureInfo.InvariantCulture);

    private static async Task FirstQueryAsync(LocalCluster cluster, CancellationToken cancellationToken)
    {
        // Unpooled, so every measurement pays for its own connection like a fresh process would.
        var unpooled = new NpgsqlConnectionStringBuilder(cluster.ConnectionString()) { Pooling = false }.ConnectionString;
        await ScalarAsync(unpooled, "SELECT 1", cancellationToken);
    }

    private static async Task ExecuteAsync(string connectionString, string sql, CancellationToken cancellationToken) =>
        await ScalarAsync(connectionString, sql, cancellationToken);

    private static async Task<object?> ScalarAsync(string connectionString, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        return await command.ExecuteScalarAsync(cancellationToken);
    }

    private static TimeSpan Median(List<TimeSpan> times) => times.Order().ElementAt(times.Count / 2);

    private static void Row(TextWriter output, string what, TimeSpan time, TimeSpan baseline, string baselineName) =>
        output.WriteLine($"  {what,-40} {time.TotalMilliseconds,9:F0} ms   {time / baseline,6:F2}x {baselineName}");
}
