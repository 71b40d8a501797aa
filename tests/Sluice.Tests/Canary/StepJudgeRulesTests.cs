using Sluice.Canary;
using Sluice.Canary.Analysis;
using Sluice.Canary.Definition;

namespace Sluice.Tests.Canary;

/// <summary>One test per row of the rule table in <see cref="StepJudge"/>, plus the numbers a report needs.</summary>
public sealed class StepJudgeRulesTests
{
    private static readonly MetricWindow Window = new(DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddMinutes(1));

    private static CanaryDefinition Definition(params CanaryMetric[] metrics) => new()
    {
        Steps = [new() { Weight = 10, Interval = TimeSpan.FromMinutes(1) }, new() { Weight = 100, Interval = TimeSpan.FromMinutes(1) }],
        Metrics = metrics,
        ApplicationName = "shop-v{version}",
    };

    private static readonly CanaryMetric ErrorRate = new() { Name = "error_rate", Source = MetricCatalog.Router, Max = 0.01 };
    private static readonly CanaryMetric Latency = new() { Name = "latency", Source = MetricCatalog.Router, P99Max = 500, Compare = new() };

    private static MetricObservation Rate(ServiceVersion v, long requests, double rate) => new(MetricCatalog.ErrorRate, v, requests, rate, []);

    private static MetricObservation Times(ServiceVersion v, IReadOnlyList<double> ms) => new(MetricCatalog.Latency, v, ms.Count, ms.Average(), ms);

    private static IReadOnlyList<double> Spread(int n, double from, double step) => [.. Enumerable.Range(0, n).Select(i => from + step * (i % 50))];

    private static StepAnalysis Judge(CanaryDefinition d, int step, params MetricObservation[] observations) =>
        StepJudge.Judge(d, step, Window, new Dictionary<string, SourceReading> { [MetricCatalog.Router] = new(MetricCatalog.Router, observations) }, []);

    [Fact]
    public void J1_a_failing_check_fails_the_step_even_beside_missing_data()
    {
        var analysis = Judge(Definition(ErrorRate, Latency), 1,
            Rate(ServiceVersion.Canary, 200, 0.05), Rate(ServiceVersion.Baseline, 2000, 0.0));
        Assert.Equal(Verdict.Fail, analysis.Verdict);
        var judgement = analysis.Judgements.Single(j => j.Check == "max");
        Assert.Equal((200L, 0.05, 0.01), (judgement.CanaryCount, judgement.CanaryValue!.Value, judgement.Limit!.Value));
        Assert.Contains(analysis.Judgements, j => j.Metric == "latency" && j.Verdict == Verdict.Inconclusive);
    }

    [Fact]
    public void J2_a_source_that_errored_makes_the_step_an_error_never_a_pass()
    {
        var readings = new Dictionary<string, SourceReading>
        {
            [MetricCatalog.Router] = SourceReading.Failed(MetricCatalog.Router, new MetricSourceException("router", "connection refused (127.0.0.1:1)")),
        };
        var analysis = StepJudge.Judge(Definition(ErrorRate), 1, Window, readings, []);
        Assert.Equal(Verdict.Error, analysis.Verdict);
        Assert.Contains("connection refused", analysis.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void J3_too_few_samples_are_inconclusive_whatever_the_value()
    {
        // One error in three requests is no 33 % error rate, and no requests at all is no pass.
        Assert.Equal(Verdict.Inconclusive, Judge(Definition(ErrorRate), 1, Rate(ServiceVersion.Canary, 3, 0.33)).Verdict);
        var none = Judge(Definition(ErrorRate), 1);
        Assert.Equal(Verdict.Inconclusive, none.Verdict);
        Assert.Contains("too few samples (canary 0", none.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void J4_a_significant_shift_within_the_tolerance_is_marginal_and_beyond_it_fails()
    {
        var baseline = Spread(400, 100, 1);              // 100-149 ms
        var slightlySlower = Spread(400, 110, 1);        // +10 ms, tolerance 25 % of 124.5
        var muchSlower = Spread(400, 200, 1);            // +100 ms
        var marginal = Judge(Definition(Latency), 1, Times(ServiceVersion.Canary, slightlySlower), Times(ServiceVersion.Baseline, baseline));
        Assert.Equal(Verdict.Marginal, marginal.Verdict);
        var failed = Judge(Definition(Latency), 1, Times(ServiceVersion.Canary, muchSlower), Times(ServiceVersion.Baseline, baseline));
        Assert.Equal(Verdict.Fail, failed.Verdict);
        var figures = failed.Judgements.Single(j => j.Check == "compare").Comparison!;
        Assert.True(figures.Significant);
        Assert.True(figures.P < 1e-6, $"p {figures.P}");
        Assert.True(figures.ShiftLowerBound > figures.AllowedShift);
        Assert.Equal(100, figures.Shift, 3);
    }

    [Fact]
    public void J5_at_weight_100_the_baseline_takes_no_traffic_so_only_thresholds_judge()
    {
        var compareOnly = new CanaryMetric { Name = "latency", Source = MetricCatalog.Router, Compare = new() };
        var analysis = Judge(Definition(compareOnly), 2, Times(ServiceVersion.Canary, Spread(400, 100, 1)));
        Assert.Equal(Verdict.Inconclusive, analysis.Verdict);
        Assert.Empty(analysis.Judgements);
    }

    [Fact]
    public void J6_everything_within_its_limits_passes_with_the_numbers_kept()
    {
        var latencies = Spread(400, 100, 1);
        var analysis = Judge(Definition(ErrorRate, Latency), 1,
            Rate(ServiceVersion.Canary, 400, 0.0025), Rate(ServiceVersion.Baseline, 4000, 0.002),
            Times(ServiceVersion.Canary, latencies), Times(ServiceVersion.Baseline, latencies));
        Assert.Equal(Verdict.Pass, analysis.Verdict);
        Assert.Equal(["max", "p99_max", "compare"], analysis.Judgements.Select(j => j.Check));
        Assert.All(analysis.Judgements, j => Assert.Equal(400, j.CanaryCount));
        Assert.Equal(0.002, analysis.Judgements[0].BaselineValue);
    }

    [Fact]
    public void Holm_holds_many_comparisons_to_one_family_wise_level()
    {
        // Two latency comparisons: the smaller p is held to alpha/2, the next to alpha/1.
        var second = new CanaryMetric { Name = "latency_again", Source = MetricCatalog.Router, Metric = MetricCatalog.Latency, Compare = new() };
        var baseline = Spread(400, 100, 1);
        var analysis = Judge(Definition(Latency, second), 1, Times(ServiceVersion.Canary, Spread(400, 200, 1)), Times(ServiceVersion.Baseline, baseline));
        var alphas = analysis.Judgements.Where(j => j.Check == "compare").Select(j => j.Comparison!.Alpha).Order().ToList();
        Assert.Equal(0.01, alphas[0], 10);
        Assert.Equal(0.02, alphas[1], 10);
    }

    [Fact]
    public void Divergence_fails_with_the_keys_named_and_no_rows_is_inconclusive()
    {
        var d = Definition(ErrorRate);
        var readings = new Dictionary<string, SourceReading> { [MetricCatalog.Router] = new(MetricCatalog.Router, [Rate(ServiceVersion.Canary, 400, 0)]) };
        var caught = StepJudge.Judge(d, 1, Window, readings, [new DivergenceReading("full_name", 120, 2, ["17", "23"])]);
        Assert.Equal(Verdict.Fail, caught.Verdict);
        Assert.Contains("2 of 120 rows written disagree: 17, 23", caught.Reason, StringComparison.Ordinal);
        var quiet = StepJudge.Judge(d, 1, Window, readings, [new DivergenceReading("full_name", 0, 0, [])]);
        Assert.Equal(Verdict.Inconclusive, quiet.Verdict);
    }
}
