using MathNet.Numerics.Statistics;
using Sluice.Canary.Definition;

namespace Sluice.Canary.Analysis;

/// <summary>
/// Judges one step from what the sources answered. Each metric gives one judgement per limit it declares; the step's
/// verdict is the first rule that matches:
/// <list type="number">
/// <item>any judgement fails: <b>fail</b> (evidence of harm outweighs any missing data);</item>
/// <item>else any source errored: <b>error</b> (counts towards <c>consecutive_error_limit</c>, never a pass);</item>
/// <item>else any metric had fewer samples than its minimum: <b>inconclusive</b> (no data is never a pass, never a fail);</item>
/// <item>else any comparison shows a significant shift within its tolerance: <b>marginal</b>;</item>
/// <item>else nothing was judged (only comparisons, at weight 100): <b>inconclusive</b>;</item>
/// <item>else <b>pass</b>.</item>
/// </list>
/// A metric judged with too few samples is inconclusive whatever its value: three requests with one error are not a
/// 33 % error rate. Comparisons are made only while the baseline takes traffic (weight below 100), and Holm's
/// step-down correction holds the step's comparisons together to 1 - <c>confidence</c> of a false failure.
/// </summary>
public static class StepJudge
{
    public static StepAnalysis Judge(CanaryDefinition definition, int step, MetricWindow window,
        IReadOnlyDictionary<string, SourceReading> readings, IReadOnlyList<DivergenceReading> divergence)
    {
        var weight = definition.Steps[step - 1].Weight;
        var judgements = new List<MetricJudgement>();
        var comparisons = new List<PendingComparison>();
        foreach (var metric in definition.Metrics)
        {
            var minimum = MinimumOf(metric, definition);
            if (!readings.TryGetValue(metric.Source, out var reading))
                throw new ArgumentException($"no reading of source '{metric.Source}' for metric '{metric.Name}'", nameof(readings));
            if (reading.Error is { } error)
            {
                judgements.Add(new MetricJudgement(metric.Name, metric.Source, "source", Verdict.Error, error.Message, 0, 0, null, null, null));
                continue;
            }
            var canary = Find(reading, metric, ServiceVersion.Canary);
            var baseline = Find(reading, metric, ServiceVersion.Baseline);
            judgements.AddRange(Thresholds(metric, minimum, canary, baseline));
            if (metric.Compare is { } compare && weight < 100)
            {
                if (Short(canary, minimum) || Short(baseline, minimum))
                    judgements.Add(TooFew(metric, "compare", minimum, canary, baseline));
                else comparisons.Add(new PendingComparison(metric, compare, canary!, baseline!, MannWhitney.P(canary!.Samples, baseline!.Samples)));
            }
        }
        judgements.AddRange(Compare(comparisons, 1 - definition.Confidence));
        judgements.AddRange(divergence.Select(Parity));
        var (verdict, reason) = Combine(judgements, weight);
        return new StepAnalysis(step, weight, window, verdict, reason, judgements);
    }

    /// <summary>The metric's own minimum, else one session for the database's event counts (it counts sessions, not
    /// requests), else the definition's <c>min_samples</c>.</summary>
    public static int MinimumOf(CanaryMetric metric, CanaryDefinition definition) =>
        metric.MinSamples ?? (metric.Source == MetricCatalog.Database ? 1 : definition.MinSamples);

    private static MetricObservation? Find(SourceReading reading, CanaryMetric metric, ServiceVersion version) =>
        reading.Observations.FirstOrDefault(o => o.Metric == metric.SourceMetric && o.Version == version);

    private static bool Short(MetricObservation? o, int minimum) => o is null || o.Count < minimum || o.Samples.Count == 0 && o.Value is null;

    private static IEnumerable<MetricJudgement> Thresholds(CanaryMetric metric, int minimum, MetricObservation? canary, MetricObservation? baseline)
    {
        var limits = new (string Check, double? Limit, Func<MetricObservation, double?> Measure, bool Upper)[]
        {
            ("max", metric.Max, o => o.Value, true),
            ("min", metric.Min, o => o.Value, false),
            ("p95_max", metric.P95Max, o => Percentile(o, 0.95), true),
            ("p99_max", metric.P99Max, o => Percentile(o, 0.99), true),
        };
        foreach (var (check, limit, measure, upper) in limits)
        {
            if (limit is not { } bound) continue;
            if (canary is null || canary.Count < minimum)
            {
                yield return TooFew(metric, check, minimum, canary, baseline);
                continue;
            }
            var value = measure(canary);
            var baselineValue = baseline is null ? null : measure(baseline);
            if (value is not { } v || double.IsNaN(v))
            {
                yield return new MetricJudgement(metric.Name, metric.Source, check, Verdict.Inconclusive,
                    $"{metric.Name}: {canary.Count} samples but no value from the source", canary.Count, baseline?.Count ?? 0, null, baselineValue, bound);
                continue;
            }
            var breached = upper ? v > bound : v < bound;
            var relation = breached ? (upper ? ">" : "<") : (upper ? "<=" : ">=");
            yield return new MetricJudgement(metric.Name, metric.Source, check, breached ? Verdict.Fail : Verdict.Pass,
                $"{metric.Name} {check}: canary {Shown(v)} {relation} {Shown(bound)} over {canary.Count} samples (baseline {(baselineValue is { } b ? Shown(b) : "-")})",
                canary.Count, baseline?.Count ?? 0, v, baselineValue, bound);
        }
    }

    private static double? Percentile(MetricObservation o, double quantile) => o.Samples.Count == 0 ? null : o.Samples.Quantile(quantile);

    private static MetricJudgement TooFew(CanaryMetric metric, string check, int minimum, MetricObservation? canary, MetricObservation? baseline) =>
        new(metric.Name, metric.Source, check, Verdict.Inconclusive,
            $"{metric.Name} {check}: too few samples (canary {canary?.Count ?? 0}, baseline {baseline?.Count ?? 0}; at least {minimum} each)",
            canary?.Count ?? 0, baseline?.Count ?? 0, canary?.Value, baseline?.Value, null);

    /// <summary>Holm's step-down: the i-th smallest of m p-values is held to alpha / (m - i); once one is not
    /// significant, none after it is. A significant shift fails when even its lower confidence bound (at that same
    /// alpha) exceeds the tolerance, else it is marginal.</summary>
    private static IEnumerable<MetricJudgement> Compare(List<PendingComparison> comparisons, double alpha)
    {
        var ordered = comparisons.OrderBy(c => c.P).ToList();
        var stillSignificant = true;
        for (var i = 0; i < ordered.Count; i++)
        {
            var c = ordered[i];
            var held = alpha / (ordered.Count - i);
            stillSignificant &= c.P <= held;
            var test = MannWhitney.Test(c.Canary.Samples, c.Baseline.Samples, held);
            var baselineMedian = c.Baseline.Samples.Median();
            var canaryMedian = c.Canary.Samples.Median();
            var allowed = c.Compare.Tolerance * Math.Abs(baselineMedian);
            var verdict = !stillSignificant ? Verdict.Pass : test.ShiftLowerBound > allowed ? Verdict.Fail : Verdict.Marginal;
            var finding = verdict switch
            {
                Verdict.Pass => "no significant shift",
                Verdict.Fail => $"shift of at least {Shown(test.ShiftLowerBound)} exceeds the tolerated {Shown(allowed)}",
                _ => $"significant shift, at least {Shown(test.ShiftLowerBound)}, within the tolerated {Shown(allowed)}",
            };
            yield return new MetricJudgement(c.Metric.Name, c.Metric.Source, "compare", verdict,
                $"{c.Metric.Name} compare: {finding} (median canary {Shown(canaryMedian)} vs baseline {Shown(baselineMedian)}; U {test.U:0}, p {test.P:0.####} against {held:0.####})",
                c.Canary.Count, c.Baseline.Count, canaryMedian, baselineMedian, allowed,
                new ComparisonFigures(test.U, test.P, held, stillSignificant, test.Shift, test.ShiftLowerBound, allowed, baselineMedian, canaryMedian));
        }
    }

    private static MetricJudgement Parity(DivergenceReading d)
    {
        if (d.Error is { } error)
            return new MetricJudgement(d.Check, "divergence", "parity", Verdict.Error, error.Message, 0, 0, null, null, 0);
        if (d.Rows == 0)
            return new MetricJudgement(d.Check, "divergence", "parity", Verdict.Inconclusive, $"{d.Check}: no rows written during the step", 0, 0, null, null, 0);
        var keys = d.DifferingKeys.Count == 0 ? "" : $": {string.Join(", ", d.DifferingKeys)}{(d.Differences > d.DifferingKeys.Count ? ", ..." : "")}";
        return new MetricJudgement(d.Check, "divergence", "parity", d.Differences == 0 ? Verdict.Pass : Verdict.Fail,
            d.Differences == 0 ? $"{d.Check}: {d.Rows} rows written, both sides agree" : $"{d.Check}: {d.Differences} of {d.Rows} rows written disagree{keys}",
            d.Rows, 0, d.Differences, null, 0, DifferingKeys: d.DifferingKeys);
    }

    private static (Verdict, string) Combine(List<MetricJudgement> judgements, int weight)
    {
        if (judgements.Count == 0)
            return (Verdict.Inconclusive, $"nothing could be judged at {weight} % (comparisons need the baseline to take traffic)");
        foreach (var verdict in new[] { Verdict.Fail, Verdict.Error, Verdict.Inconclusive, Verdict.Marginal })
        {
            var matching = judgements.Where(j => j.Verdict == verdict).ToList();
            if (matching.Count > 0) return (verdict, string.Join("; ", matching.Select(j => j.Reason)));
        }
        return (Verdict.Pass, $"{judgements.Count} checks pass at {weight} %");
    }

    private static string Shown(double value) => value.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture);

    private sealed record PendingComparison(CanaryMetric Metric, LatencyComparison Compare, MetricObservation Canary, MetricObservation Baseline, double P);
}
