using Npgsql;
using Sluice.Benchmarks.Backfill;
using Sluice.Benchmarks.Fingerprints;
using Sluice.Postgres.Clusters;
using Sluice.Postgres.Snapshots;
using Sluice.Snapshots;

namespace Sluice.Benchmarks.Scale;

/// <summary>A verified snapshot of one keyed table (the fingerprint suite's shape) in the parallel directory format:
/// the snapshot (pg_dump -j 2 plus the fingerprint in its snapshot) and the verify (SHA-256, restore into a scratch
/// database, fingerprint, compare). pg_dump and pg_restore are child processes: their memory is not Sluice's.</summary>
internal sealed class SnapshotScale : IScaleCurve
{
    public string Name => "snapshots";

    public IReadOnlyList<long> Sizes(ScaleOptions options) => [1_000_000, 10_000_000];

    public async Task<IReadOnlyList<ScaleCurve>> MeasureAsync(BenchmarkContext context, IReadOnlyList<long> sizes, CancellationToken cancellationToken)
    {
        var toolchain = await PostgresToolchain.DetectAsync(cancellationToken);
        await using var cluster = await LocalCluster.StartEphemeralAsync(toolchain, cancellationToken, FingerprintBenchmarks.ScanSettings);
        var server = cluster.ConnectionString();
        var (snapshots, verifies) = (new List<ScalePoint>(), new List<ScalePoint>());
        foreach (var rows in sizes)
        {
            await BackfillBenchmarks.ExecuteAsync(server, "CREATE DATABASE scale_snap", cancellationToken);
            var source = cluster.ConnectionString("scale_snap");
            await FingerprintBenchmarks.LoadTableAsync(source, "accounts", checked((int)rows), cancellationToken);
            await BackfillBenchmarks.ExecuteAsync(source, "ALTER TABLE accounts ADD PRIMARY KEY (id)", cancellationToken);
            await BackfillBenchmarks.ExecuteAsync(source, "VACUUM ANALYZE accounts", cancellationToken);
            var folder = Path.Combine(Path.GetTempPath(), $"sluice-scale-snap-{Guid.NewGuid():N}");
            try
            {
                var store = new PgDumpSnapshotStore(new PgDumpSnapshotOptions
                {
                    Folder = folder, Environment = "bench", Format = SnapshotFormat.Directory, VerifyServer = server,
                }, toolchain);
                var (manifest, create) = await PeakMemory.MeasureAsync(() => store.CreateAsync(source, cancellationToken));
                var (verification, verify) = await PeakMemory.MeasureAsync(() => store.VerifyAsync(manifest.Id, cancellationToken));
                if (verification.Rows != rows) throw new InvalidOperationException($"the verify of {rows:N0} rows counted {verification.Rows:N0}");
                snapshots.Add(new ScalePoint(rows, create));
                verifies.Add(new ScalePoint(rows, verify));
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
            NpgsqlConnection.ClearAllPools();
            await BackfillBenchmarks.ExecuteAsync(server, "DROP DATABASE scale_snap WITH (FORCE)", cancellationToken);
        }
        return
        [
            new ScaleCurve("snapshot (directory format, pg_dump -j 2, fingerprint in its snapshot)", snapshots),
            new ScaleCurve("verify (SHA-256, pg_restore -j 2 into a scratch database, fingerprint, compare)", verifies),
        ];
    }

    public IEnumerable<string> Goals(IReadOnlyList<ScaleCurve> curves)
    {
        // The issue sets no figure here: the curve itself is the result.
        foreach (var curve in curves)
            yield return $"{curve.Subject.Split(' ')[0]}: {curve.Points[^1].Rows:N0} rows took {curve.VersusLinear(curve.Points[^1]):F2}x linear from {curve.Points[0].Rows:N0} (exponent {curve.TimeExponent:F2})";
    }
}
