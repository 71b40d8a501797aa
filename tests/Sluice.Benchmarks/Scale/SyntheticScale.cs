using Npgsql;
using Sluice.Benchmarks.Backfill;
using Sluice.Benchmarks.Synthetic;
using Sluice.Postgres.Clusters;
using Sluice.Postgres.Rehearsal;

namespace Sluice.Benchmarks.Scale;

/// <summary>The synthetic suite's three linked tables (a tenth customers, three tenths orders, six tenths order lines),
/// seeded with SQL, profiled, and generated from the profile at scale 1.0 into an empty copy of the schema.</summary>
internal sealed class SyntheticScale : IScaleCurve
{
    private const long MemoryGoal = 512L * 1024 * 1024;

    public string Name => "synthetic";

    public IReadOnlyList<long> Sizes(ScaleOptions options) => [1_000_000, 10_000_000];

    public async Task<IReadOnlyList<ScaleCurve>> MeasureAsync(BenchmarkContext context, IReadOnlyList<long> sizes, CancellationToken cancellationToken)
    {
        var toolchain = await PostgresToolchain.DetectAsync(cancellationToken);
        await using var cluster = await LocalCluster.StartEphemeralAsync(toolchain, cancellationToken, SyntheticBenchmarks.LoadSettings);
        // The first fill of a process also compiles the generator; it runs once, small, and is not recorded.
        await FillAsync(cluster, sizes[0] / 10, cancellationToken);
        var points = new List<ScalePoint>();
        foreach (var rows in sizes) points.Add(await FillAsync(cluster, rows, cancellationToken));
        return [new ScaleCurve("synthetic data: read the target schema, generate, COPY, rebuild keys, ANALYZE", points)];
    }

    private static async Task<ScalePoint> FillAsync(LocalCluster cluster, long rows, CancellationToken cancellationToken)
    {
        var source = await SyntheticBenchmarks.CreateDatabaseAsync(cluster, "scale_source", cancellationToken);
        await BackfillBenchmarks.ExecuteAsync(source, SyntheticBenchmarks.Schema + SyntheticBenchmarks.Seed(checked((int)(rows / 10))), cancellationToken);
        var profile = await PostgresProfiler.ReadAsync(source, new ProfileOptions("bench"), cancellationToken);
        var target = await SyntheticBenchmarks.CreateDatabaseAsync(cluster, "scale_synthetic", cancellationToken);
        await BackfillBenchmarks.ExecuteAsync(target, SyntheticBenchmarks.Schema, cancellationToken);
        var (result, cost) = await PeakMemory.MeasureAsync(() =>
            SyntheticDataGenerator.FillAsync(target, profile, new SyntheticOptions(RowBudget: long.MaxValue), cancellationToken));
        NpgsqlConnection.ClearAllPools();
        await BackfillBenchmarks.ExecuteAsync(cluster.ConnectionString(), "DROP DATABASE scale_synthetic WITH (FORCE)", cancellationToken);
        await BackfillBenchmarks.ExecuteAsync(cluster.ConnectionString(), "DROP DATABASE scale_source WITH (FORCE)", cancellationToken);
        return new ScalePoint(result.TotalRows, cost);
    }

    public IEnumerable<string> Goals(IReadOnlyList<ScaleCurve> curves)
    {
        var curve = curves[0];
        var (first, last) = (curve.Points[0], curve.Points[^1]);
        var times = last.Cost.Elapsed / first.Cost.Elapsed;
        var rowsRatio = (double)last.Rows / first.Rows;
        yield return $"goal, {last.Rows:N0} rows in <= {rowsRatio:F0}x the time of {first.Rows:N0}: {ScaleBenchmarks.Verdict(times <= rowsRatio)} ({times:F2}x)";
        yield return $"goal, peak RSS <= 512 MiB at every size and flat in rows: {ScaleBenchmarks.Verdict(curve.Points.All(p => p.Cost.PeakResidentBytes <= MemoryGoal))} "
            + $"({string.Join(", ", curve.Points.Select(p => $"{p.Cost.PeakResidentBytes / (1024 * 1024):N0} MiB"))}; exponent {curve.MemoryExponent:F2})";
    }
}
