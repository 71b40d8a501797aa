using Sluice.Reports;
using Sluice.Reports.Html;

namespace Sluice.Rehearsal.Runs;

/// <summary>
/// The rehearsal report as a self-contained page: the phases table, a timeline of the locks each phase held and the
/// workload it blocked, predicted against measured durations, and the findings with their file, line and safe recipe.
/// </summary>
internal static class RehearsalReportPage
{
    private static readonly IReadOnlyList<ChartSeries> TimelineSeries =
    [
        new("phase ran", "#8c959f"), new("lock blocking writers", "#cf222e"), new("other lock", "#bf8700"), new("workload blocked", "#8250df"),
    ];

    private static readonly IReadOnlyList<ChartSeries> DurationSeries = [new("measured here", "#0969da"), new("predicted at profile size", "#bf8700")];

    public static string Render(RehearsalReport report)
    {
        var status = report.Passed ? "passed" : "failed";
        List<HtmlFragment> body =
        [
            HtmlFragment.Element("h1", RehearsalReportTables.Title(report), status),
            HtmlFragment.Element("p", RehearsalReportTables.Summary(report), "muted"),
        ];
        if (RehearsalReportTables.Seeds(report) is { } seeds) body.Add(HtmlFragment.Element("p", seeds, "muted"));
        body.Add(HtmlFragment.Element("ul", HtmlFragment.Concat(report.Plans.Select(p => HtmlFragment.Element("li", HtmlFragment.Concat(
            HtmlFragment.Text("plan "), HtmlFragment.Element("code", p.Id), HtmlFragment.Text(" hash "), HtmlFragment.Element("code", RehearsalReportTables.ShortHash(p))))))));
        body.Add(HtmlPage.Section("Phases", Table(RehearsalReportTables.PhaseColumns, RehearsalReportTables.PhaseRows(report))));
        if (report.Slos.Count > 0) body.Add(HtmlPage.Section("Plan SLOs at production size", Table(RehearsalReportTables.SloColumns, RehearsalReportTables.SloRows(report))));
        body.Add(HtmlPage.Section("Locks and blocked workload", Timeline(report)));
        body.Add(HtmlPage.Section("Predicted against measured", Durations(report)));
        if (RehearsalTrafficTables.Fidelity(report) is { } fidelity)
            body.Add(HtmlPage.Section("Production's statements", HtmlFragment.Concat(
                HtmlFragment.Element("p", fidelity),
                report.Fidelity?.Statements.Count > 0 ? Table(RehearsalTrafficTables.PlanColumns, RehearsalTrafficTables.PlanRows(report)) : HtmlFragment.Empty,
                report.Replay.Count > 0 ? Table(RehearsalTrafficTables.ReplayColumns, RehearsalTrafficTables.ReplayRows(report)) : HtmlFragment.Empty)));
        body.Add(HtmlPage.Section("Findings", Findings(report)));
        return HtmlPage.Render(RehearsalReportTables.Title(report), body);
    }

    private static HtmlFragment Table(IReadOnlyList<ReportColumn> columns, IEnumerable<IReadOnlyList<string>> rows) =>
        HtmlTable.Render(columns, rows.Select(row => (IReadOnlyList<HtmlFragment>)[.. row.Select(HtmlFragment.Text)]));

    // The phases end to end as they ran here; inside each, the locks it held and the time the workload waited.
    private static HtmlFragment Timeline(RehearsalReport report)
    {
        var rows = new List<TimelineRow>();
        var start = TimeSpan.Zero;
        foreach (var p in report.Phases)
        {
            var spans = new List<TimelineSpan> { new(0, start, p.Duration, $"{p.Phase}: ran {ReportFormat.Duration(p.Duration)}") };
            spans.AddRange(p.Locks.Select(l => new TimelineSpan(l.BlocksWriters ? 1 : 2, start, l.Held, $"{l.Mode} on {l.Table}: {ReportFormat.Duration(l.Held)}")));
            spans.Add(new(3, start, p.WorkloadBlocked, $"workload blocked {ReportFormat.Duration(p.WorkloadBlocked)}"));
            rows.Add(new($"{p.Plan} / {p.Phase}", spans));
            start += p.Duration;
        }
        return TimelineChart.Render("Each phase as it ran on the synthetic data: locks held and workload blocked", TimelineSeries, rows, ReportFormat.Duration);
    }

    private static HtmlFragment Durations(RehearsalReport report) => BarChart.Render(
        $"Time per phase here and extrapolated to the profile's size (scale {report.Scale:0.####})", DurationSeries,
        [.. report.Phases.Select(p => new BarGroup($"{p.Plan} / {p.Phase}", [p.Duration.TotalMilliseconds, p.PredictedDuration.TotalMilliseconds]))],
        ms => ReportFormat.Duration(TimeSpan.FromMilliseconds(ms)));

    private static HtmlFragment Findings(RehearsalReport report)
    {
        if (report.Findings.Count == 0) return HtmlFragment.Element("p", "None.");
        return HtmlFragment.Element("ul", HtmlFragment.Concat(RehearsalReportTables.Findings(report).Select(f =>
        {
            var severity = RehearsalReportTables.Severity(f);
            List<HtmlFragment> parts = [HtmlFragment.Element("span", severity, "severity"), HtmlFragment.Element("code", f.Rule)];
            if (f.Where.Length > 0) parts.AddRange([HtmlFragment.Text(" at "), HtmlFragment.Element("code", f.Where)]);
            if (f.Seed is { } seed) parts.Add(HtmlFragment.Format($" (seed {seed})"));
            parts.Add(HtmlFragment.Element("p", f.Message));
            if (f.Statement is not null) parts.Add(HtmlFragment.Element("p", HtmlFragment.Concat(HtmlFragment.Text("Statement: "), HtmlFragment.Element("code", f.Statement))));
            if (f.Remedy is not null) parts.Add(HtmlFragment.Element("p", HtmlFragment.Concat(HtmlFragment.Element("strong", "Safe recipe: "), HtmlFragment.Text(f.Remedy))));
            return HtmlFragment.Element("li", HtmlFragment.Concat(parts), severity);
        })), "findings");
    }
}
