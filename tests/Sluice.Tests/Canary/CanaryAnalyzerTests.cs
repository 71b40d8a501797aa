using Sluice.Canary;
using Sluice.Canary.Analysis;
using Sluice.Canary.Definition;
using Sluice.Errors;

namespace Sluice.Tests.Canary;

/// <summary>The analyzer's checks before traffic moves, and a source's error kept from becoming a pass.</summary>
public sealed class CanaryAnalyzerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A source in memory: the domain interface, with the router's metric names.</summary>
    private sealed class FixedSource(string name, IReadOnlyList<MetricObservation>? answer) : IMetricSource
    {
        public string Name => name;

        public IReadOnlyCollection<string> Metrics => [MetricCatalog.ErrorRate];

        public Task<IReadOnlyList<MetricObservation>> ObserveAsync(MetricWindow window, CancellationToken cancellationToken) =>
            answer is null ? throw new MetricSourceException(name, "no answer from 127.0.0.1:1") : Task.FromResult(answer);
    }

    private static readonly CanaryDefinition Definition = new()
    {
        Steps = [new() { Weight = 100, Interval = TimeSpan.FromSeconds(10) }],
        Metrics = [new() { Name = "error_rate", Source = MetricCatalog.Router, Max = 0.01 }],
    };

    [Fact]
    public void A_source_or_metric_the_environment_does_not_provide_is_a_usage_error_before_traffic_moves()
    {
        var missing = Assert.Throws<SluiceException>(() => new CanaryAnalyzer([]).CheckSources(Definition, ".nuke/parameters.staging.json"));
        Assert.Equal((ErrorKind.Usage, ErrorCodes.BadCanary), (missing.Kind, missing.Code));
        Assert.Contains("source 'router'", missing.Message, StringComparison.Ordinal);

        var latency = Definition with { Metrics = [new() { Name = "latency", Source = MetricCatalog.Router, P99Max = 500 }] };
        var unmeasured = Assert.Throws<SluiceException>(() => new CanaryAnalyzer([new FixedSource(MetricCatalog.Router, [])]).CheckSources(latency));
        Assert.Contains("does not measure 'latency'", unmeasured.Message, StringComparison.Ordinal);

        var divergence = Definition with
        {
            Divergence = [new() { Name = "full_name", Table = "customers", Expected = "full_name", Actual = "first_name", WrittenAt = "updated_at" }],
        };
        Assert.Throws<SluiceException>(() => new CanaryAnalyzer([new FixedSource(MetricCatalog.Router, [])]).CheckSources(divergence));
    }

    [Fact]
    public async Task A_source_that_throws_is_an_error_and_one_that_answers_nothing_is_inconclusive()
    {
        var window = new MetricWindow(DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddSeconds(10));
        var silent = await new CanaryAnalyzer([new FixedSource(MetricCatalog.Router, null)]).AnalyzeAsync(Definition, 1, window, Ct);
        Assert.Equal(Verdict.Error, silent.Verdict);
        Assert.Contains("127.0.0.1:1", silent.Reason, StringComparison.Ordinal);
        var empty = await new CanaryAnalyzer([new FixedSource(MetricCatalog.Router, [])]).AnalyzeAsync(Definition, 1, window, Ct);
        Assert.Equal(Verdict.Inconclusive, empty.Verdict);
    }
}
