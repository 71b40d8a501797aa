using System.Globalization;
using Sluice.Reports;

namespace Sluice.Rehearsal.Runs;

/// <summary>The rehearsal report's facts as text cells, shared by its Markdown and its HTML version so they cannot disagree.</summary>
internal static class RehearsalReportTables
{
    public static readonly IReadOnlyList<ReportColumn> PhaseColumns =
    [
        new("plan"), new("phase"), new("kind"), new("time here", Numeric: true), new("predicted", Numeric: true), new("locks (longest hold)"),
        new("rewrites"), new("workload blocked", Numeric: true), new("verify"), new("idempotent"), new("reversible"), new("forward again"),
    ];

    public static IEnumerable<IReadOnlyList<string>> PhaseRows(RehearsalReport report) => report.Phases.Select(p => (IReadOnlyList<string>)
    [
        p.Plan, p.Phase, p.Kind, ReportFormat.Duration(p.Duration), ReportFormat.Duration(p.PredictedDuration), Locks(p),
        p.RewrittenTables.Count == 0 ? "-" : string.Join(", ", p.RewrittenTables), ReportFormat.Duration(p.WorkloadBlocked),
        Mark(p.Verified), Mark(p.Idempotent), Mark(p.Reversible), Mark(p.ForwardAgain),
    ]);

    public static readonly IReadOnlyList<ReportColumn> SloColumns =
    [
        new("plan"), new("phase"), new("slo"), new("bound", Numeric: true), new("measured here", Numeric: true),
        new("predicted at production size", Numeric: true), new("verdict"), new("rule"),
    ];

    public static IEnumerable<IReadOnlyList<string>> SloRows(RehearsalReport report) => report.Slos.Select(c => (IReadOnlyList<string>)
    [
        c.Plan, c.Phase, c.Slo, Figure(c.Bound, c.Unit), Figure(c.Measured, c.Unit), Figure(c.Predicted, c.Unit),
        c.Outcome switch { Slo.SloOutcome.Within => "within", Slo.SloOutcome.Exceeded => "EXCEEDED", _ => "not measured" }, c.Rule,
    ]);

    public static string Title(RehearsalReport report) => $"Rehearsal of {report.Service} for {report.Environment}: {(report.Passed ? "passed" : "FAILED")}";

    public static string Summary(RehearsalReport report) => report.Snapshot is { } snapshot
        ? string.Create(CultureInfo.InvariantCulture,
            $"{report.StartedAt:yyyy-MM-dd HH:mm:ss} UTC, {report.Elapsed.TotalSeconds:F1} s, on a throwaway copy restored from {snapshot.Describe()}, deleted afterwards: real data, durations as measured on it.")
        : string.Create(CultureInfo.InvariantCulture,
            $"{report.StartedAt:yyyy-MM-dd HH:mm:ss} UTC, {report.Elapsed.TotalSeconds:F1} s, {report.SyntheticRows:N0} synthetic rows (scale {report.Scale:0.####} of the profile; durations below are extrapolated by 1/scale).");

    public static string? Seeds(RehearsalReport report) => report.Seeds is { Count: > 0 } seeds
        ? $"Workload seeds: {string.Join(", ", seeds)} (replay one with --workload-seed N)."
        : null;

    public static string ShortHash(PlanHash plan) => plan.Hash[..Math.Min(12, plan.Hash.Length)];

    /// <summary>Most severe first, as a person triages them.</summary>
    public static IEnumerable<RehearsalFinding> Findings(RehearsalReport report) => report.Findings.OrderByDescending(f => f.Severity);

    public static string Severity(RehearsalFinding finding) => finding.Severity.ToString().ToLowerInvariant();

    private static string Locks(PhaseRehearsal phase) =>
        phase.Locks.Count == 0 ? "-" : string.Join("; ", phase.Locks.Select(l => $"{l.Mode} on {l.Table} ({ReportFormat.Duration(l.Held)})"));

    private static string Figure(double? value, string unit) => value switch
    {
        null => "-",
        { } v when unit == "ms" => ReportFormat.Duration(TimeSpan.FromMilliseconds(v)),
        { } v => string.Create(CultureInfo.InvariantCulture, $"{v:0.##}{unit}"),
    };

    private static string Mark(bool? value) => value switch { true => "yes", false => "NO", null => "-" };
}
