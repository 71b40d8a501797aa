using System.Globalization;
using Sluice.Canary.Analysis;
using Sluice.Canary.Definition;

namespace Sluice.Canary.Running;

/// <summary>The live line printed after each measurement: the weights, the samples and value of each check per version,
/// its verdict, and what was decided.</summary>
public static class CanaryProgressLine
{
    public static string Format(CanaryDefinition definition, CanaryMeasurement measurement)
    {
        var a = measurement.Analysis;
        var checks = string.Join("; ", a.Judgements.Select(j =>
            $"{j.Metric} {j.Check} v{definition.Versions.Canary} {Value(j.CanaryValue)} n={j.CanaryCount}" +
            (j.Check is "parity" or "source" ? "" : $" v{definition.Versions.Baseline} {Value(j.BaselineValue)} n={j.BaselineCount}") +
            $" {Word(j.Verdict)}"));
        return string.Create(CultureInfo.InvariantCulture,
            $"canary step {a.Step}/{definition.Steps.Count} {100 - a.Weight}/{a.Weight} over {a.Window.Length.TotalSeconds:0.0} s: {checks} => {Word(a.Verdict)}, {measurement.Decision.Action.ToString().ToLowerInvariant()} (rule {measurement.Decision.Rule})");
    }

    private static string Value(double? value) => value is { } v ? v.ToString("0.####", CultureInfo.InvariantCulture) : "-";

    private static string Word(Verdict verdict) => verdict.ToString().ToLowerInvariant();
}
