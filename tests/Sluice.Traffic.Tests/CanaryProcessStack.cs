using System.Diagnostics;
using Npgsql;
using Shop.Tests;
using Sluice.Canary;
using Sluice.Canary.Running;
using Sluice.Postgres.Canary;
using Sluice.Postgres.Databases;
using Sluice.Secrets;
using Sluice.Testing.Postgres;
using Sluice.Testing.Servers;
using Sluice.Tests;
using Sluice.Traffic.Load;

namespace Sluice.Traffic.Tests;

/// <summary>
/// What the canary's multi-process tests run against: the shop's database with some of the sample plan's phases done,
/// v1 and v2 as real processes behind this test's YARP router (its admin endpoint lets other processes set the weights,
/// as a router process would), load through it, a real Prometheus scraping both, and a build root whose environment
/// <c>stages</c> declares a canary driving that router. Builds run in it as processes of the repository's real build.
/// </summary>
internal sealed class CanaryProcessStack : IAsyncDisposable
{
    public const string Plan = "0001_split_customer_name";
    public const string Environment = "stages";
    /// <summary>The canary's metrics on the shop: the router's error rate and latency per version, and the share of 5xx
    /// answers per version from Prometheus' scrape of each version's <c>/metrics</c>.</summary>
    public const string ShopMetrics = """
        [
          { "name": "error_rate", "source": "router", "max": 0.01 },
          { "name": "latency", "source": "router", "p99_max": 2000 },
          { "name": "http_5xx", "source": "prometheus", "max": 0.01, "min_samples": 10,
            "query": "(sum(increase(http_requests_received_total{service_version=\"{version}\",code=~\"5..\"}[{window}])) or vector(0)) / sum(increase(http_requests_received_total{service_version=\"{version}\"}[{window}]))",
            "count_query": "sum(increase(http_requests_received_total{service_version=\"{version}\"}[{window}]))" }
        ]
        """;

    private readonly ShopPair _pair;
    private readonly PrometheusServer _prometheus;
    private readonly CancellationTokenSource _stopLoad = new();
    private readonly Task<LoadReport> _load;

    private CanaryProcessStack(EphemeralDatabase database, ShopPair pair, PrometheusServer prometheus, string root)
    {
        Database = database;
        _pair = pair;
        _prometheus = prometheus;
        Root = root;
        Pool = NpgsqlDataSource.Create(database.ConnectionString);
        Journal = new PostgresCanaryJournal(Pool, SecretValues.None);
        _load = new LoadGenerator(new LoadOptions(pair.RouterAddress, 150, TimeSpan.FromMinutes(5))).RunAsync(_stopLoad.Token);
    }

    public EphemeralDatabase Database { get; }

    public NpgsqlDataSource Pool { get; }

    /// <summary>The build root (the sample plan under <c>pipelines/shop</c>, <c>.nuke/parameters.stages.json</c>).</summary>
    public string Root { get; }

    public ITrafficRouter Router => _pair.Router;

    public ICanaryJournal Journal { get; }

    /// <param name="phasesDone">How many of the sample plan's phases are applied before the test starts.</param>
    /// <param name="planPhases">How many of the sample plan's phases the build root's plan keeps.</param>
    /// <param name="placement">Extra keys of the canary definition (its <c>requires_phase</c>, <c>flag</c>), each line ending in a comma.</param>
    public static async Task<CanaryProcessStack> StartAsync(PostgresFixture postgres, int phasesDone, int planPhases, string placement,
        IReadOnlyDictionary<string, string>? v2Settings, string tempPrefix, CancellationToken ct)
    {
        var database = await PhaseStates.CreateAsync(postgres, phasesDone, ct);
        var pair = await ShopPair.StartAsync($"{database.ConnectionString};Maximum Pool Size=10", ct, v2Settings: v2Settings);
        var prometheus = await PrometheusServer.StartAsync([pair.V1.Address, pair.V2.Address], TimeSpan.FromMilliseconds(200), ct);
        var root = Directory.CreateTempSubdirectory(tempPrefix).FullName;
        await PhaseStates.WritePlanAsync(Path.Combine(root, "pipelines"), planPhases, ct);
        Directory.CreateDirectory(Path.Combine(root, ".nuke"));
        await File.WriteAllTextAsync(Path.Combine(root, ".nuke", $"parameters.{Environment}.json"), $$"""
            {
              "environment": {
                "provider": "connection",
                "connection_string_variable": "SLUICE_DATABASE",
                "canary": {
                  {{placement}}
                  "steps": [ { "weight": 25, "interval": "2s" }, { "weight": 50, "interval": "2s" }, { "weight": 100, "interval": "2s" } ],
                  "metrics": {{ShopMetrics}},
                  "router": { "baseline": "{{pair.V1.Address}}", "canary": "{{pair.V2.Address}}", "admin": "{{pair.Router.Address}}" },
                  "prometheus": "{{prometheus.Address}}",
                  "failure_limit": 0, "inconclusive_limit": 3, "consecutive_error_limit": 1, "min_samples": 30
                }
              }
            }
            """, ct);
        return new CanaryProcessStack(database, pair, prometheus, root);
    }

    /// <summary>The repository's real build in this root, on this database, with no CI or environment variables of the
    /// test run's own leaking in.</summary>
    public ProcessStartInfo Build(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Root };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "_build.dll"));
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var key in new[] { "GITHUB_ACTIONS", "TF_BUILD", "SLUICE_ENV", "SLUICE_ROOT", "SLUICE_PG_BIN" }) start.Environment.Remove(key);
        start.Environment["SLUICE_DATABASE"] = Database.ConnectionString;
        return start;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopLoad.CancelAsync();
        try { await _load; } catch (OperationCanceledException) { }
        _stopLoad.Dispose();
        await _pair.DisposeAsync();
        await _prometheus.DisposeAsync();
        await Pool.DisposeAsync();
        await Database.DisposeAsync();
        Directory.Delete(Root, recursive: true);
    }
}
