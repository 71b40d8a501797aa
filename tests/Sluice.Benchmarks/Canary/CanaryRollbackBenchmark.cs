using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using Sluice.Canary;
using Sluice.Canary.Analysis;
using Sluice.Canary.Definition;
using Sluice.Canary.Running;
using Sluice.Errors;
using Sluice.Postgres.Canary;
using Sluice.Secrets;
using Sluice.Traffic.Instances;
using Sluice.Traffic.Load;
using Sluice.Traffic.Metrics;
using Sluice.Traffic.Routing;

namespace Sluice.Benchmarks.Canary;

/// <summary>
/// How fast and how reliably a canary decides, with real processes: two instances of the shop behind the YARP router,
/// the load generator through it at a fixed rate, the canary's real runner and journal (PostgreSQL). Both instances
/// run the shop's v1 code (the schema stays at its base), so only the canary's mechanics are measured: the canary
/// instance's error switch is the fault. Clean canaries must all promote (a rollback is a false one); faulty ones (5 %
/// errors switched on at a random moment of the first step) must all roll back, and the time from that onset to
/// traffic back on the baseline is measured against the interval (goal: at most two).
/// </summary>
internal static class CanaryRollbackBenchmark
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    public static async Task RunAsync(BenchmarkContext context, string connectionString, CancellationToken ct)
    {
        var output = context.Output;
        var runs = context.Large ? 50 : 20;
        var environment = new Dictionary<string, string> { ["ConnectionStrings__Shop"] = $"{connectionString};Maximum Pool Size=10", ["Shop__Version"] = "1" };
        var shop = Path.Combine(AppContext.BaseDirectory, "Shop.dll");
        await using var v1 = await ServiceInstance.StartAsync(ServiceStart.DotnetApp("shop-v1", shop) with { Environment = environment }, ct);
        await using var v2 = await ServiceInstance.StartAsync(ServiceStart.DotnetApp("shop-v2", shop) with { Environment = environment }, ct);
        await using var yarp = await YarpTrafficRouter.StartAsync(new RouterOptions(v1.Address, v2.Address), ct);
        await yarp.CheckReachableAsync(ct);
        await using var pool = NpgsqlDataSource.Create(connectionString);
        var journal = new PostgresCanaryJournal(pool, SecretValues.None);
        var definition = CanaryDefinitionReader.Read(JsonDocument.Parse($$"""
            { "steps": [ { "weight": 50, "interval": "{{Interval.TotalSeconds}}s" }, { "weight": 100, "interval": "{{Interval.TotalSeconds}}s" } ],
              "metrics": [ { "name": "error_rate", "source": "router", "max": 0.01 } ], "min_samples": 30, "inconclusive_limit": 2 }
            """).RootElement);
        var router = new Recording(yarp);
        var analyzer = new CanaryAnalyzer([new RouterMetricSource(yarp)]);
        using var admin = new HttpClient { BaseAddress = v2.Address };
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var load = new LoadGenerator(new LoadOptions(new Uri(yarp.Address), 150, TimeSpan.FromMinutes(10)) { WriteShare = 0 }).RunAsync(stop.Token);
        output.WriteLine($"canary decisions: {runs} clean and {runs} faulty canaries, steps 50 % and 100 % of {Interval.TotalSeconds:0} s, error_rate max 0.01, 150 requests/s:");
        try
        {
            var falseRollbacks = 0;
            var clean = Stopwatch.StartNew();
            for (var i = 0; i < runs; i++)
            {
                await FaultsAsync(admin, 0, ct);
                try { await new CanaryRunner(definition, router, analyzer, journal).RunAsync(new("bench", null, "bench"), null, ct); }
                catch (SluiceException e) when (e.Code == ErrorCodes.CanaryFailed) { falseRollbacks++; output.WriteLine($"    false rollback: {e.Message}"); }
            }
            output.WriteLine($"  clean:  {runs - falseRollbacks} of {runs} promoted, {falseRollbacks} false rollback(s) (goal: 0) in {clean.Elapsed.TotalSeconds:0} s");

            var times = new List<double>();
            var promoted = 0;
            var random = new Random(16);
            for (var i = 0; i < runs; i++)
            {
                await FaultsAsync(admin, 0, ct);
                await yarp.RouteAsync(TrafficSplit.AllBaseline, ct);
                router.Reset();
                var canary = new CanaryRunner(definition, router, analyzer, journal).RunAsync(new("bench", null, "bench"), null, ct);
                while (router.FirstStep is null) await Task.Delay(5, ct);
                await Task.Delay(TimeSpan.FromMilliseconds(random.Next(0, (int)Interval.TotalMilliseconds)), ct);
                await FaultsAsync(admin, 0.05, ct);
                var onset = Stopwatch.GetTimestamp();
                try
                {
                    await canary;
                    promoted++;
                }
                catch (SluiceException e) when (e.Code == ErrorCodes.CanaryFailed)
                {
                    times.Add(Stopwatch.GetElapsedTime(onset, router.BackOnBaseline!.Value).TotalMilliseconds);
                }
            }
            await FaultsAsync(admin, 0, ct);
            times.Sort();
            output.WriteLine($"  faulty: {times.Count} of {runs} rolled back, {promoted} promoted (goal: all rolled back)");
            if (times.Count > 0)
                output.WriteLine($"  onset of 5 % errors to traffic back on the baseline: median {CanaryBenchmarks.Percentile(times, 0.5):0} ms, max {times[^1]:0} ms " +
                    $"= {times[^1] / Interval.TotalMilliseconds:0.00} intervals (goal: <= 2 intervals)");
        }
        finally
        {
            await stop.CancelAsync();
            try { await load; } catch (OperationCanceledException) { }
        }
    }

    private static async Task FaultsAsync(HttpClient admin, double errorRate, CancellationToken ct)
    {
        using var response = await admin.PutAsJsonAsync("admin/faults", new { errorRate, addedLatencyMs = 0, dualWriteBug = false }, ct);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>The router as the canary sees it, noting when the first step's weight was set and when traffic went back.</summary>
    private sealed class Recording(ITrafficRouter router) : ITrafficRouter
    {
        public long? FirstStep { get; private set; }

        public long? BackOnBaseline { get; private set; }

        public void Reset() => (FirstStep, BackOnBaseline) = (null, null);

        public string Address => router.Address;

        public Task CheckReachableAsync(CancellationToken cancellationToken) => router.CheckReachableAsync(cancellationToken);

        public async Task RouteAsync(TrafficSplit split, CancellationToken cancellationToken)
        {
            await router.RouteAsync(split, cancellationToken);
            if (split.CanaryPercent > 0) FirstStep ??= Stopwatch.GetTimestamp();
            else BackOnBaseline = Stopwatch.GetTimestamp();
        }

        public Task<TrafficSplit> CurrentAsync(CancellationToken cancellationToken) => router.CurrentAsync(cancellationToken);
    }
}
