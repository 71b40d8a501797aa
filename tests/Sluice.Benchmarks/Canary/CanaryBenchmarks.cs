using System.Diagnostics;
using Npgsql;
using Sluice.Canary;
using Sluice.Postgres.Binaries;
using Sluice.Postgres.Clusters;
using Sluice.Traffic.Instances;
using Sluice.Traffic.Routing;

namespace Sluice.Benchmarks.Canary;

/// <summary>
/// What the local router costs: the sample service (a real process on an ephemeral cluster) called directly (the
/// baseline, measured in the same run) and through <see cref="YarpTrafficRouter"/> on loopback, on an endpoint that
/// does no database work (<c>/version</c>: the proxy hop against almost nothing) and on one real read.
/// Latency: sequential requests, direct and routed interleaved so noise hits both alike; p50 and p99 and the
/// difference. Throughput: 16 concurrent callers for a fixed time, direct and routed alternating; the ratio.
/// Bounded: a fixed number of requests and a fixed time per phase. Goals (issue 16): at most 1 ms added at p99, at
/// least 0.8x the direct throughput. Measured only from a Release build, with the machine's load printed beside the
/// figures (<see cref="MeasurementConditions"/>; <c>SLUICE_BENCH_WAIT_QUIET=MINUTES</c> waits for a quiet machine first).
/// </summary>
public sealed class CanaryBenchmarks : IBenchmarkSuite
{
    public string Name => "canary";

    public string Description => "router overhead (latency p50/p99, throughput, against direct calls), time from 5 % errors to traffic back on the baseline, a soak of clean and faulty canaries";

    public async Task RunAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        var output = context.Output;
        var requests = context.Large ? 10_000 : 3_000;
        var throughputTime = TimeSpan.FromSeconds(context.Large ? 10 : 4);
        var notRelease = MeasurementConditions.NotRelease(Path.Combine(AppContext.BaseDirectory, "Shop.dll"));
        if (notRelease.Count > 0)
        {
            output.WriteLine($"refusing to measure the router: not Release builds: {string.Join(", ", notRelease)}; run dotnet run -c Release --project tests/Sluice.Benchmarks -- canary");
            return;
        }
        output.WriteLine(await MeasurementConditions.QuietAsync(cancellationToken));
        output.WriteLine($"load average before: {await LoadAverageAsync(cancellationToken)}");

        var toolchain = await PostgresToolchain.DetectAsync(cancellationToken);
        await using var cluster = await LocalCluster.StartEphemeralAsync(toolchain, cancellationToken);
        var connectionString = await ShopDatabaseAsync(cluster, context.RepositoryRoot, cancellationToken);
        await using var service = await ServiceInstance.StartAsync(ServiceStart.DotnetApp("shop-v2", Path.Combine(AppContext.BaseDirectory, "Shop.dll")) with
        {
            Environment = new Dictionary<string, string> { ["ConnectionStrings__Shop"] = connectionString, ["Shop__Version"] = "2" },
        }, cancellationToken);
        // Both destinations are the same instance, so the split does not matter and only the proxy hop is measured.
        // Three routers in the same run: as shipped, as it was (YARP's client defaults), and as shipped without its
        // request log (what the router's own metrics cost); every variant is interleaved with the direct calls.
        var variants = new (string Name, ProxyHop Hop)[] { ("router", ProxyHop.Default), ("router, YARP defaults (before)", ProxyHop.YarpDefaults), ("router, no request log", ProxyHop.Default with { RecordRequests = false }) };
        var routers = new List<YarpTrafficRouter>();
        foreach (var (_, hop) in variants)
        {
            var started = await YarpTrafficRouter.StartAsync(new RouterOptions(service.Address, service.Address) { Hop = hop }, cancellationToken);
            await started.RouteAsync(new TrafficSplit(50), cancellationToken);
            routers.Add(started);
        }
        try
        {
            using var client = new HttpClient(new SocketsHttpHandler { UseCookies = false, PooledConnectionLifetime = Timeout.InfiniteTimeSpan });
            // /version does no database work: the proxy hop against almost nothing. /customers/{id} is one real read.
            foreach (var (what, path) in new (string, Func<int, string>)[] { ("GET /version", _ => "/version"), ("GET /customers/{id}", i => $"/customers/{1 + i % 2000}") })
            {
                output.WriteLine($"{what}:");
                var targets = new List<(string Name, Func<int, Uri> Url)> { ("direct", i => new Uri(service.Address, path(i))) };
                for (var v = 0; v < variants.Length; v++)
                {
                    var address = new Uri(routers[v].Address);
                    targets.Add((variants[v].Name, i => new Uri(address, path(i))));
                }
                for (var i = 0; i < 500; i++) // warm-up: JIT, connection pools, Kestrel on both sides
                    foreach (var (_, url) in targets) await CallAsync(client, url(i), cancellationToken);

                var times = targets.Select(_ => new List<double>(requests)).ToArray();
                for (var i = 0; i < requests; i++)
                    for (var t = 0; t < targets.Count; t++) times[t].Add(await TimeAsync(client, targets[t].Url(i), cancellationToken));
                var (d50, d99) = (Percentile(times[0], 0.50), Percentile(times[0], 0.99));
                output.WriteLine($"  latency, {requests:N0} sequential requests each (interleaved):");
                output.WriteLine($"    direct:  p50 {d50,7:0.000} ms  p99 {d99,7:0.000} ms (baseline)");
                for (var t = 1; t < targets.Count; t++)
                {
                    var (r50, r99) = (Percentile(times[t], 0.50), Percentile(times[t], 0.99));
                    output.WriteLine($"    {targets[t].Name}:  p50 {r50,7:0.000} ms  p99 {r99,7:0.000} ms  added p50 {r50 - d50,7:0.000} ms  p99 {r99 - d99,7:0.000} ms  (goal: <= 1 ms at p99)");
                }

                const int callers = 16;
                var counts = new long[targets.Count];
                for (var round = 0; round < 2; round++)
                    for (var t = 0; t < targets.Count; t++) counts[t] += await ThroughputAsync(client, targets[t].Url, callers, throughputTime / 2, cancellationToken);
                var directRate = counts[0] / throughputTime.TotalSeconds;
                output.WriteLine($"  throughput, {callers} concurrent callers, {throughputTime.TotalSeconds:0} s each (alternating halves):");
                output.WriteLine($"    direct:  {directRate,8:N0} requests/s (baseline)");
                for (var t = 1; t < targets.Count; t++)
                {
                    var rate = counts[t] / throughputTime.TotalSeconds;
                    output.WriteLine($"    {targets[t].Name}:  {rate,8:N0} requests/s  ratio {rate / directRate:0.00}x  (goal: >= 0.80x)");
                }
            }
        }
        finally
        {
            foreach (var started in routers) await started.DisposeAsync();
        }
        output.WriteLine($"load average after the router runs: {await LoadAverageAsync(cancellationToken)}");
        await CanaryRollbackBenchmark.RunAsync(context, connectionString, cancellationToken);
        output.WriteLine($"load average after: {await LoadAverageAsync(cancellationToken)}");
    }

    /// <summary>A database with the shop's base schema and seed rows (2,000 customers).</summary>
    internal static async Task<string> ShopDatabaseAsync(LocalCluster cluster, string root, CancellationToken ct)
    {
        await using (var admin = new NpgsqlConnection(cluster.ConnectionString()))
        {
            await admin.OpenAsync(ct);
            await using var create = new NpgsqlCommand("CREATE DATABASE shop", admin);
            await create.ExecuteNonQueryAsync(ct);
        }
        var connectionString = cluster.ConnectionString("shop");
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var load = new NpgsqlCommand(await File.ReadAllTextAsync(Path.Combine(root, "pipelines", "shop", "schema", "0000_base.sql"), ct), connection);
        await load.ExecuteNonQueryAsync(ct);
        return connectionString;
    }

    internal static async Task<string> LoadAverageAsync(CancellationToken ct) =>
        File.Exists("/proc/loadavg") ? (await File.ReadAllTextAsync("/proc/loadavg", ct)).Trim() : "unknown";

    private static async Task<long> ThroughputAsync(HttpClient client, Func<int, Uri> url, int callers, TimeSpan time, CancellationToken ct)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(time.TotalSeconds * Stopwatch.Frequency);
        var counts = await Task.WhenAll(Enumerable.Range(0, callers).Select(async _ =>
        {
            var done = 0;
            while (Stopwatch.GetTimestamp() < deadline)
            {
                await CallAsync(client, url(done), ct);
                done++;
            }
            return (long)done;
        }));
        return counts.Sum();
    }

    private static async Task<double> TimeAsync(HttpClient client, Uri url, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        await CallAsync(client, url, ct);
        return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }

    private static async Task CallAsync(HttpClient client, Uri url, CancellationToken ct)
    {
        using var response = await client.GetAsync(url, ct);
        response.EnsureSuccessStatusCode();
        await response.Content.ReadAsByteArrayAsync(ct);
    }

    internal static double Percentile(List<double> values, double fraction)
    {
        var sorted = values.Order().ToArray();
        return sorted[Math.Clamp((int)Math.Ceiling(fraction * sorted.Length) - 1, 0, sorted.Length - 1)];
    }
}
