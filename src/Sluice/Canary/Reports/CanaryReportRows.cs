using System.Globalization;
using Sluice.Canary.Analysis;
using Sluice.Canary.Running;
using Sluice.Reports;

namespace Sluice.Canary.Reports;

/// <summary>What the HTML page and the Markdown report of a canary both show, in the same words: one row per
/// measurement, one per judgement, and the per-version figures the charts draw.</summary>
internal static class CanaryReportRows
{
    public static readonly ReportColumn[] MeasurementColumns =
        [new("#", true), new("step", true), new("weight %", true), new("window s", true), new("verdict"), new("decision"), new("why")];

    public static readonly ReportColumn[] JudgementColumns =
        [new("#", true), new("metric"), new("check"), new("verdict"), new("canary n", true), new("canary", true), new("baseline n", true),
         new("baseline", true), new("limit", true), new("numbers")];

    public static string Title(CanaryRecord c) =>
        $"Canary #{c.Id} on {c.Environment}{(c.PlanId is null ? "" : $" ({c.PlanId})")}: {Outcome(c.Outcome)}";

    public static string Outcome(CanaryOutcome outcome) => outcome switch
    {
        CanaryOutcome.RolledBack => "rolled back",
        CanaryOutcome.RollbackFailed => "rollback failed",
        _ => outcome.ToString().ToLowerInvariant(),
    };

    public static IEnumerable<IReadOnlyList<string>> Measurements(CanaryRecord c) =>
        c.Measurements.Select((m, i) => (IReadOnlyList<string>)
        [
            N(i + 1), N(m.Analysis.Step), N(m.Analysis.Weight), F(m.Analysis.Window.Length.TotalSeconds, "0.0"), Word(m.Analysis.Verdict),
            $"{m.Decision.Action.ToString().ToLowerInvariant()} (rule {m.Decision.Rule})", m.Analysis.Reason,
        ]);

    public static IEnumerable<IReadOnlyList<string>> Judgements(CanaryRecord c) =>
        c.Measurements.SelectMany((m, i) => m.Analysis.Judgements.Select(j => (IReadOnlyList<string>)
        [
            N(i + 1), j.Metric, j.Check, Word(j.Verdict), N(j.CanaryCount), F(j.CanaryValue), N(j.BaselineCount), F(j.BaselineValue), F(j.Limit),
            j.Comparison is { } cmp
                ? string.Create(CultureInfo.InvariantCulture, $"U {cmp.U:0.#}, p {cmp.P:0.####} (alpha {cmp.Alpha:0.####}), shift {cmp.Shift:0.##} ms (lower bound {cmp.ShiftLowerBound:0.##}, allowed {cmp.AllowedShift:0.##})")
                : j.DifferingKeys is { Count: > 0 } keys ? $"keys {string.Join(", ", keys)}" : j.Reason,
        ]));

    /// <summary>Per measurement, the canary's and the baseline's value of the first judgement of <paramref name="metric"/>.</summary>
    public static IReadOnlyList<(string Label, double? Baseline, double? Canary)> Series(CanaryRecord c, Func<MetricJudgement, bool> metric) =>
        [.. c.Measurements.Select((m, i) => m.Analysis.Judgements.FirstOrDefault(metric) is { } j
            ? ($"#{i + 1} step {m.Analysis.Step} ({m.Analysis.Weight} %)", j.BaselineValue, j.CanaryValue)
            : ($"#{i + 1} step {m.Analysis.Step} ({m.Analysis.Weight} %)", (double?)null, (double?)null))];

    public static bool IsErrorRate(MetricJudgement j) => j.Check == "max" && (j.Metric.Contains("error", StringComparison.Ordinal) || j.Metric.Contains("5xx", StringComparison.Ordinal));

    public static bool IsLatency(MetricJudgement j) => j.Metric.Contains("latency", StringComparison.Ordinal) && j.Check != "compare";

    private static string N(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string F(double? value, string format = "0.####") => value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "-";

    private static string Word(Verdict verdict) => verdict.ToString().ToLowerInvariant();
}
