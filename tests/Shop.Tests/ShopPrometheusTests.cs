using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Sluice.Canary;
using Sluice.Canary.Analysis;
using Sluice.Canary.Definition;
using Sluice.Canary.Sources;
using Sluice.Testing.Postgres;
using Sluice.Testing.Servers;

namespace Shop.Tests;

/// <summary>
/// The Prometheus metric source against a real Prometheus scraping the real sample service: two shop instances
/// (v1 the baseline, v2 the canary) on loopback, each with its own <c>/metrics</c> labelled by version; v2 answers one
/// request in five with a 404. The source reads each version's rate and count, the analysis fails the canary on
/// it, and a Prometheus that is killed makes the source raise, which the analysis counts as an error until
/// <c>consecutive_error_limit</c> fails the canary.
/// </summary>
public sealed class ShopPrometheusTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly TimeSpan Scrape = TimeSpan.FromMilliseconds(500);

    private const string Requests = "http_requests_received_total{service_version=\"{version}\"}";

    private static readonly CanaryMetric NotFoundRate = new()
    {
        Name = "not_found_rate", Source = MetricCatalog.Prometheus, Max = 0.05,
        Query = "sum(increase(http_requests_received_total{service_version=\"{version}\",code=\"404\"}[{window}])) / sum(increase(" + Requests + "[{window}]))",
        CountQuery = "sum(increase(" + Requests + "[{window}]))",
    };

    private static readonly CanaryMetric P99 = new()
    {
        Name = "latency_p99_ms", Source = MetricCatalog.Prometheus, Max = 5_000,
        Query = "1000 * histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{service_version=\"{version}\"}[{window}])))",
        CountQuery = "sum(increase(http_request_duration_seconds_count{service_version=\"{version}\"}[{window}]))",
    };

    [Fact]
    public async Task Reads_each_versions_figures_from_a_real_prometheus_and_raises_when_it_stops_answering()
    {
        await using var database = await PhaseStates.CreateAsync(postgres, 2, Ct);
        await using var v1 = await StartShopAsync(database.ConnectionString, 1);
        await using var v2 = await StartShopAsync(database.ConnectionString, 2);
        using var client = new HttpClient();
        await using var prometheus = await PrometheusServer.StartAsync([Address(v1), Address(v2)], Scrape, Ct);

        // Every series exists and has been scraped before the window opens: increase() counts from a series' first sample.
        foreach (var app in new[] { v1, v2 })
        {
            await client.GetAsync(new Uri(Address(app), "customers/1"), Ct);
            await client.GetAsync(new Uri(Address(app), "customers/999999999"), Ct);
        }
        // Prometheus applies new targets after a few seconds: wait until it has scraped all four series.
        await WaitForAsync(prometheus, "count(http_requests_received_total)", 4);
        await Task.Delay(Scrape * 2, Ct);

        var start = DateTimeOffset.UtcNow;
        for (var i = 0; i < 100; i++)
        {
            Assert.True((await client.GetAsync(new Uri(Address(v1), "customers/1"), Ct)).IsSuccessStatusCode);
            await client.GetAsync(new Uri(Address(v2), i % 5 == 0 ? "customers/999999999" : "customers/1"), Ct);
            await Task.Delay(15, Ct); // traffic spread over several scrapes, as a real step's is
        }
        await WaitForAsync(prometheus, "sum(http_requests_received_total)", 204);
        await Task.Delay(Scrape * 2, Ct);
        // A burst this short against 500 ms scrapes: open the window a scrape before it, so the range holds a sample
        // from before the first request (a real step lasts many scrapes, and rate/increase extrapolate to its edges).
        var window = new MetricWindow(start - Scrape * 2, DateTimeOffset.UtcNow);

        var definition = new CanaryDefinition
        {
            Steps = [new() { Weight = 50, Interval = TimeSpan.FromSeconds(10) }, new() { Weight = 100, Interval = TimeSpan.FromSeconds(10) }],
            Metrics = [NotFoundRate, P99],
            ConsecutiveErrorLimit = 2,
        };
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var source = PrometheusMetricSource.For(definition, http, prometheus.Address);
        var observations = await source.ObserveAsync(window, Ct);

        var baseline = observations.Single(o => o is { Metric: "not_found_rate", Version: ServiceVersion.Baseline });
        var canary = observations.Single(o => o is { Metric: "not_found_rate", Version: ServiceVersion.Canary });
        Assert.InRange(baseline.Count, 90, 130); // increase() extrapolates to the window's edges
        Assert.InRange(canary.Count, 90, 130);
        Assert.Equal(0, baseline.Value!.Value, 3);
        Assert.InRange(canary.Value!.Value, 0.15, 0.25);
        Assert.All(observations.Where(o => o.Metric == "latency_p99_ms"), o => Assert.InRange(o.Value!.Value, 0.001, 5_000));

        // No such version: no series, no value; never a zero that would pass.
        Assert.Null(await source.QueryAsync("sum(http_requests_received_total{service_version=\"7\"})", window.End, Ct));

        var analyzer = new CanaryAnalyzer([source]);
        analyzer.CheckSources(definition);
        var step = await analyzer.AnalyzeAsync(definition, 1, window, Ct);
        Assert.Equal(Verdict.Fail, step.Verdict);
        Assert.Contains("not_found_rate max: canary 0.", step.Reason, StringComparison.Ordinal);

        prometheus.Kill();
        var error = await Assert.ThrowsAsync<MetricSourceException>(() => source.ObserveAsync(window, Ct));
        Assert.Contains(prometheus.Address.ToString(), error.Message, StringComparison.Ordinal);
        // A silent source holds the step and is asked again, until consecutive_error_limit is exceeded: never a pass.
        var history = new List<StepAnalysis>();
        CanaryDecision decision;
        do
        {
            history.Add(await analyzer.AnalyzeAsync(definition, 1, window, Ct));
            decision = CanaryLimits.Decide(definition, history);
        } while (decision.Action == CanaryAction.HoldAndRetry);
        Assert.All(history, a => Assert.Equal(Verdict.Error, a.Verdict));
        Assert.Equal((CanaryAction.Fail, 3), (decision.Action, decision.Rule));
        Assert.Equal(definition.ConsecutiveErrorLimit + 1, history.Count);
    }

    [Fact]
    public async Task A_query_prometheus_rejects_is_a_source_error_naming_the_address()
    {
        await using var prometheus = await PrometheusServer.StartAsync([new Uri("http://127.0.0.1:9")], Scrape, Ct);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var source = new PrometheusMetricSource(http, prometheus.Address, [NotFoundRate], new VersionLabels());
        var error = await Assert.ThrowsAsync<MetricSourceException>(() => source.QueryAsync("sum(rate(x[", DateTimeOffset.UtcNow, Ct));
        Assert.Contains("answered 400: bad_data", error.Message, StringComparison.Ordinal);
        Assert.Equal("prometheus", error.SourceName);
    }

    /// <summary>Polls until <paramref name="query"/> reaches <paramref name="atLeast"/>: scrapes are asynchronous.</summary>
    private static async Task WaitForAsync(PrometheusServer prometheus, string query, double atLeast)
    {
        using var http = new HttpClient();
        var source = new PrometheusMetricSource(http, prometheus.Address, [], new VersionLabels());
        for (var tries = 0; tries < 100; tries++)
        {
            if (await source.QueryAsync(query, DateTimeOffset.UtcNow, Ct) >= atLeast) return;
            await Task.Delay(Scrape / 2, Ct);
        }
        Assert.Fail($"Prometheus never saw {query} >= {atLeast}");
    }

    private static async Task<WebApplication> StartShopAsync(string connectionString, int version)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddShop(connectionString, version);
        var app = builder.Build();
        app.MapShop();
        await app.StartAsync(Ct);
        return app;
    }

    private static Uri Address(WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single() + "/");
}
