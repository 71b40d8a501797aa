using CsCheck;
using Sluice.Canary;
using Sluice.Canary.Analysis;
using Sluice.Canary.Definition;

namespace Sluice.Tests.Canary;

/// <summary>The U statistic and the comparison's verdict on generated samples.</summary>
public sealed class MannWhitneyProperties
{
    private static readonly Gen<double[]> Latencies = Gen.Double[1, 2_000].Array[1, 120];

    [Fact]
    public void U_of_a_against_b_and_of_b_against_a_add_up_to_all_pairs() =>
        Gen.Select(Latencies, Latencies).Sample((a, b) =>
            Math.Abs(MannWhitney.U(a, b) + MannWhitney.U(b, a) - (double)a.Length * b.Length) < 1e-6);

    [Fact]
    public void U_counts_pairs_won_with_ties_as_half()
    {
        Assert.Equal(0, MannWhitney.U([1, 2, 3], [4, 5, 6]));
        Assert.Equal(9, MannWhitney.U([4, 5, 6], [1, 2, 3]));
        Assert.Equal(4.5, MannWhitney.U([1, 1, 1], [1, 1, 1]));
    }

    [Fact]
    public void Identical_samples_never_fail_and_never_look_shifted()
    {
        var definition = new CanaryDefinition
        {
            Steps = [new() { Weight = 50, Interval = TimeSpan.FromMinutes(1) }, new() { Weight = 100, Interval = TimeSpan.FromMinutes(1) }],
            Metrics = [new() { Name = "latency", Source = MetricCatalog.Router, Compare = new() { Tolerance = 0 } }],
            MinSamples = 1,
        };
        var window = new MetricWindow(DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddMinutes(1));
        Latencies.Sample(samples =>
        {
            var readings = new Dictionary<string, SourceReading>
            {
                [MetricCatalog.Router] = new(MetricCatalog.Router,
                    [new(MetricCatalog.Latency, ServiceVersion.Canary, samples.Length, null, samples), new(MetricCatalog.Latency, ServiceVersion.Baseline, samples.Length, null, samples)]),
            };
            return StepJudge.Judge(definition, 1, window, readings, []).Verdict == Verdict.Pass;
        });
    }

    [Fact]
    public void A_canary_shifted_far_above_the_baseline_is_caught()
    {
        Gen.Double[1, 100].Array[60, 120].Sample(baseline =>
        {
            var canary = baseline.Select(v => v + 1_000).ToArray();
            var result = MannWhitney.Test(canary, baseline, 0.02);
            return result.P < 0.001 && result.ShiftLowerBound > 900;
        });
    }
}
