using Npgsql;
using Sluice.Benchmarks.Backfill;
using Sluice.Postgres.Clusters;

namespace Sluice.Benchmarks.Scale;

/// <summary>The sample plan's batched backfill (the backfill suite's runner and template, no concurrent writers) over
/// a growing customers table; the time is the backfill phase alone.</summary>
internal sealed class BackfillScale : IScaleCurve
{
    private const double Goal = 0.8;

    public string Name => "backfill";

    public IReadOnlyList<long> Sizes(ScaleOptions options) => [100_000, 1_000_000, 10_000_000];

    public async Task<IReadOnlyList<ScaleCurve>> MeasureAsync(BenchmarkContext context, IReadOnlyList<long> sizes, CancellationToken cancellationToken)
    {
        var toolchain = await PostgresToolchain.DetectAsync(cancellationToken);
        await using var cluster = await LocalCluster.StartEphemeralAsync(toolchain, cancellationToken, BackfillBenchmarks.DurableSettings);
        var pipelines = BackfillBenchmarks.SamplePipelines(context.RepositoryRoot);
        var points = new List<ScalePoint>();
        try
        {
            foreach (var rows in sizes)
            {
                var load = System.Diagnostics.Stopwatch.StartNew();
                await BackfillBenchmarks.CreateTemplateAsync(cluster, context.RepositoryRoot, (int)rows, cancellationToken);
                context.Output.WriteLine($"{rows:N0} customers loaded (generate_series, logged, durable cluster) in {load.Elapsed.TotalSeconds:F0} s");
                var (stats, cost) = await PeakMemory.MeasureAsync(() => BackfillBenchmarks.BatchedAsync(cluster.ConnectionString("bench_template"), pipelines, cancellationToken));
                points.Add(new ScalePoint(rows, cost with { Elapsed = stats.Elapsed }));
                NpgsqlConnection.ClearAllPools();
                await BackfillBenchmarks.ExecuteAsync(cluster.ConnectionString(), "DROP DATABASE bench_template WITH (FORCE)", cancellationToken);
            }
        }
        finally
        {
            Directory.Delete(pipelines, recursive: true);
        }
        return [new ScaleCurve("batched backfill (sample plan, p90 sizer, no writers); time = the backfill phase", points)];
    }

    public IEnumerable<string> Goals(IReadOnlyList<ScaleCurve> curves)
    {
        var points = curves[0].Points;
        var ratio = points[^1].RowsPerSecond / points[^2].RowsPerSecond;
        yield return $"goal, rows/s at {points[^1].Rows:N0} >= {Goal}x the rate at {points[^2].Rows:N0}: {ScaleBenchmarks.Verdict(ratio >= Goal)} ({ratio:F2}x)";
    }
}
