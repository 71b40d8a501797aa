using Npgsql;
using Sluice.Benchmarks.Backfill;
using Sluice.Benchmarks.Fingerprints;
using Sluice.Fingerprints;
using Sluice.Postgres.Clusters;
using Sluice.Postgres.Fingerprints;

namespace Sluice.Benchmarks.Scale;

/// <summary>
/// A diff of two equal tables in two databases (the fingerprint suite's table shape). The table is made in one
/// transaction with its CREATE on a <c>wal_level=minimal</c> cluster (no WAL), keyed and analysed; the second database is
/// a FILE_COPY clone of the first (a file copy: same rows, same statistics), so loading stays a small part of the run.
/// </summary>
internal sealed class FingerprintScale : IScaleCurve
{
    private const double Goal = 1.1;

    public string Name => "fingerprints";

    public IReadOnlyList<long> Sizes(ScaleOptions options) => [1_000_000, 10_000_000, options.Largest];

    public async Task<IReadOnlyList<ScaleCurve>> MeasureAsync(BenchmarkContext context, IReadOnlyList<long> sizes, CancellationToken cancellationToken)
    {
        var toolchain = await PostgresToolchain.DetectAsync(cancellationToken);
        await using var cluster = await LocalCluster.StartEphemeralAsync(toolchain, cancellationToken, FingerprintBenchmarks.ScanSettings);
        var server = cluster.ConnectionString();
        var points = new List<ScalePoint>();
        foreach (var rows in sizes.Distinct())
        {
            var load = System.Diagnostics.Stopwatch.StartNew();
            await BackfillBenchmarks.ExecuteAsync(server, "CREATE DATABASE scale_a", cancellationToken);
            var a = cluster.ConnectionString("scale_a");
            await FingerprintBenchmarks.LoadTableAsync(a, "accounts", checked((int)rows), cancellationToken);
            await BackfillBenchmarks.ExecuteAsync(a, "ALTER TABLE accounts ADD PRIMARY KEY (id)", cancellationToken);
            await BackfillBenchmarks.ExecuteAsync(a, "VACUUM ANALYZE accounts", cancellationToken);
            NpgsqlConnection.ClearAllPools();
            await BackfillBenchmarks.ExecuteAsync(server, "CREATE DATABASE scale_b TEMPLATE scale_a STRATEGY FILE_COPY", cancellationToken);
            var size = await SizeAsync(server, cancellationToken);
            context.Output.WriteLine($"{rows:N0} rows per side loaded in {load.Elapsed.TotalSeconds:F0} s; both databases {size / (1024.0 * 1024 * 1024):F1} GiB on disk");
            var b = cluster.ConnectionString("scale_b");
            var (diff, cost) = await PeakMemory.MeasureAsync(() => PostgresFingerprints.DiffAsync(
                a, FingerprintSource.Table("accounts"), b, FingerprintSource.Table("accounts"), cancellationToken, DiffOptions.Default));
            if (!diff.AreEqual) throw new InvalidOperationException($"equal tables compared unequal at {rows:N0} rows: {string.Join("; ", diff.Describe())}");
            points.Add(new ScalePoint(rows, cost));
            NpgsqlConnection.ClearAllPools();
            // Disk is shared: each size's databases go before the next size is made.
            await BackfillBenchmarks.ExecuteAsync(server, "DROP DATABASE scale_b WITH (FORCE)", cancellationToken);
            await BackfillBenchmarks.ExecuteAsync(server, "DROP DATABASE scale_a WITH (FORCE)", cancellationToken);
        }
        return [new ScaleCurve($"fingerprint diff of equal tables in two databases ({DiffOptions.Default.InitialChunks} chunks, {DiffOptions.Default.Degree} connections per side)", points)];
    }

    public IEnumerable<string> Goals(IReadOnlyList<ScaleCurve> curves)
    {
        var curve = curves[0];
        var largest = curve.Points[^1];
        var memory = (double)largest.Cost.PeakResidentBytes / curve.Points[0].Cost.PeakResidentBytes;
        yield return $"goal, {largest.Rows:N0} rows within {Goal}x of linear from {curve.Points[0].Rows:N0}: {ScaleBenchmarks.Verdict(curve.VersusLinear(largest) <= Goal)} ({curve.VersusLinear(largest):F2}x); "
            + $"memory flat: peak RSS {memory:F2}x over {(double)largest.Rows / curve.Points[0].Rows:F0}x the rows (exponent {curve.MemoryExponent:F2})";
    }

    private static async Task<long> SizeAsync(string server, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT pg_database_size('scale_a') + pg_database_size('scale_b')", connection);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
