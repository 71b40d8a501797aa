using Npgsql;
using Sluice.Benchmarks.Backfill;
using Sluice.Postgres.Clusters;
using Sluice.Targets.Telemetry;
using Sluice.Testing.Servers;

namespace Sluice.Benchmarks.Telemetry;

/// <summary>
/// Issue 21's figure: what telemetry costs a backfill. The sample backfill runs with no exporter (nothing listens to
/// the Sluice source and meter) and with every exporter on (OTLP traces with Npgsql's spans and OTLP metrics to a
/// loopback collector that accepts and discards, and a Pushgateway push at the end), alternating, three rounds each;
/// the ratio of the medians is the overhead.
/// </summary>
public sealed class TelemetryBenchmarks : IBenchmarkSuite
{
    private const int Rounds = 3;

    public string Name => "telemetry";

    public string Description => "sample backfill with exporters off and on (OTLP traces + metrics, Pushgateway push): overhead ratio";

    public async Task RunAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        var output = context.Output;
        var rows = context.Large ? 1_000_000 : 200_000;
        var toolchain = await PostgresToolchain.DetectAsync(cancellationToken);
        await using var cluster = await LocalCluster.StartEphemeralAsync(toolchain, cancellationToken);
        var pipelines = BackfillBenchmarks.SamplePipelines(context.RepositoryRoot);
        using var sink = new DiscardingCollector();
        try
        {
            await BackfillBenchmarks.CreateTemplateAsync(cluster, context.RepositoryRoot, rows, cancellationToken);
            var off = new List<TimeSpan>();
            var on = new List<TimeSpan>();
            var spansOn = 0L;
            for (var round = 0; round < Rounds; round++)
            {
                off.Add(await BackfillAsync(cluster, $"bench_off_{round}", pipelines, null, cancellationToken));
                on.Add(await BackfillAsync(cluster, $"bench_on_{round}", pipelines, sink.Address, cancellationToken));
                spansOn = sink.Requests;
            }
            var (medianOff, medianOn) = (Median(off), Median(on));
            output.WriteLine($"{rows:N0} customers, {Rounds} rounds each, alternating; the backfill phase alone is timed");
            output.WriteLine();
            output.WriteLine("| exporters | runs | median | rows/s |");
            output.WriteLine("|---|---|---:|---:|");
            output.WriteLine($"| off | {string.Join(", ", off.Select(t => $"{t.TotalSeconds:F2} s"))} | {medianOff.TotalSeconds:F2} s | {rows / medianOff.TotalSeconds:N0} |");
            output.WriteLine($"| on (OTLP + Pushgateway) | {string.Join(", ", on.Select(t => $"{t.TotalSeconds:F2} s"))} | {medianOn.TotalSeconds:F2} s | {rows / medianOn.TotalSeconds:N0} |");
            output.WriteLine();
            output.WriteLine($"overhead, on / off: {medianOn / medianOff:F3}x ({(medianOn / medianOff - 1) * 100:F1} %); collector requests received: {spansOn}");
        }
        finally
        {
            Directory.Delete(pipelines, recursive: true);
        }
    }

    private static TimeSpan Median(List<TimeSpan> values) => values.Order().ElementAt(values.Count / 2);

    private static async Task<TimeSpan> BackfillAsync(LocalCluster cluster, string database, string pipelines, Uri? collector, CancellationToken cancellationToken)
    {
        await BackfillBenchmarks.ExecuteAsync(cluster.ConnectionString(), $"CREATE DATABASE {database} TEMPLATE bench_template STRATEGY FILE_COPY", cancellationToken);
        var variables = collector is null ? new Dictionary<string, string>() : new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.ToString().TrimEnd('/'), ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        };
        BackfillBenchmarks.BackfillStats stats;
        await using (TelemetryExport.Start("bench", variables, collector?.ToString(), _ => { }))
            stats = await BackfillBenchmarks.BatchedAsync(cluster.ConnectionString(database), pipelines, cancellationToken);
        NpgsqlConnection.ClearAllPools();
        await BackfillBenchmarks.ExecuteAsync(cluster.ConnectionString(), $"DROP DATABASE {database} WITH (FORCE)", cancellationToken);
        return stats.Elapsed;
    }

    /// <summary>Accepts every request on loopback and answers 200, as a collector or Pushgateway that keeps up would.</summary>
    private sealed class DiscardingCollector : IDisposable
    {
        private readonly LoopbackHttpServer _server;
        private long _requests;

        public DiscardingCollector() => _server = new LoopbackHttpServer((_, _) => Interlocked.Increment(ref _requests));

        public Uri Address => _server.Address;

        public long Requests => Interlocked.Read(ref _requests);

        public void Dispose() => _server.Dispose();
    }
}
