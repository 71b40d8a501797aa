using MathNet.Numerics.Distributions;
using Sluice.Canary;
using Sluice.Canary.Analysis;
using Sluice.Canary.Definition;

namespace Sluice.Tests.Canary;

/// <summary>
/// How the comparison behaves on many seeded A/A and A/B steps of log-normal latencies (100 samples a side, two
/// compared metrics, confidence 0.98, Kayenta's tolerance 0.25): a clean canary is never failed and seldom even
/// marginal, and a canary twice as slow is failed nearly always (one 50 % slower about two times in three: the tolerance is 25 % of the baseline median, held at the lower confidence bound).
/// </summary>
public sealed class ComparisonCalibrationTests
{
    private const int Trials = 400;

    private static readonly CanaryDefinition Definition = new()
    {
        Steps = [new() { Weight = 50, Interval = TimeSpan.FromMinutes(1) }, new() { Weight = 100, Interval = TimeSpan.FromMinutes(1) }],
        Metrics =
        [
            new() { Name = "latency", Source = MetricCatalog.Router, Compare = new() },
            new() { Name = "latency_again", Source = MetricCatalog.Router, Metric = MetricCatalog.Latency, Compare = new() },
        ],
    };

    private static readonly MetricWindow Window = new(DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddMinutes(1));

    private static IReadOnlyDictionary<Verdict, int> Run(double slowdown, int seed)
    {
        var random = new Random(seed);
        var counts = Enum.GetValues<Verdict>().ToDictionary(v => v, _ => 0);
        for (var trial = 0; trial < Trials; trial++)
        {
            var baseline = LogNormal.Samples(random, Math.Log(50), 0.5).Take(100).ToArray();
            var canary = LogNormal.Samples(random, Math.Log(50 * slowdown), 0.5).Take(100).ToArray();
            var readings = new Dictionary<string, SourceReading>
            {
                [MetricCatalog.Router] = new(MetricCatalog.Router,
                    [new(MetricCatalog.Latency, ServiceVersion.Canary, 100, null, canary), new(MetricCatalog.Latency, ServiceVersion.Baseline, 100, null, baseline)]),
            };
            counts[StepJudge.Judge(Definition, 1, Window, readings, []).Verdict]++;
        }
        return counts;
    }

    [Fact]
    public void A_clean_canary_is_never_failed_and_seldom_marginal()
    {
        var counts = Run(1.0, seed: 16);
        Assert.Equal(0, counts[Verdict.Fail]);
        // Holm holds the family of two comparisons to alpha 0.02 of any significant finding.
        Assert.True(counts[Verdict.Marginal] <= Trials * 0.03, $"{counts[Verdict.Marginal]} of {Trials} marginal");
    }

    [Fact]
    public void A_canary_twice_as_slow_is_failed_nearly_always()
    {
        var counts = Run(2.0, seed: 16);
        Assert.True(counts[Verdict.Fail] >= Trials * 0.95, $"{counts[Verdict.Fail]} of {Trials} failed");
    }
}
