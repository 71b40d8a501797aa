using Sluice.Reports.Html;

namespace Sluice.Reports.History;

/// <summary>
/// The release history as a self-contained page (the rehearsal report's components: inline CSS and SVG, nothing
/// fetched): the figures, the last release's timeline and phase durations, every plan, the rollbacks and the gates.
/// </summary>
public static class ReleaseHistoryPage
{
    private static readonly IReadOnlyList<ChartSeries> TimelineSeries = [new("phase ran", "#0969da"), new("phase failed", "#cf222e")];
    private static readonly IReadOnlyList<ChartSeries> HalfMigratedSeries = [new("time half-migrated", "#8250df")];
    private static readonly IReadOnlyList<ChartSeries> DrillSeries = [new("time to restore", "#1a7f37")];

    public static string Render(ReleaseHistory history)
    {
        List<HtmlFragment> body =
        [
            HtmlFragment.Element("h1", ReleaseHistoryTables.Title(history)),
            HtmlPage.Section("Summary", Table(ReleaseHistoryTables.SummaryColumns, ReleaseHistoryTables.SummaryRows(history))),
        ];
        if (history.Last is { } last)
        {
            body.Add(HtmlPage.Section($"Last release: {last.Plan.PlanId}",
                HtmlFragment.Element("ul", HtmlFragment.Concat(ReleaseHistoryTables.Retrospective(history).Select(line => HtmlFragment.Element("li", line)))),
                Timeline(last),
                Table(ReleaseHistoryTables.PhaseColumns, ReleaseHistoryTables.PhaseRows(last))));
        }
        body.Add(HtmlPage.Section("Plans",
            BarChart.Render("Time each plan spent half-migrated", HalfMigratedSeries,
                [.. history.Plans.Select(p => new BarGroup(p.Plan.PlanId, [history.HalfMigrated(p).TotalMilliseconds]))],
                ms => ReportFormat.Duration(TimeSpan.FromMilliseconds(ms))),
            Table(ReleaseHistoryTables.PlanColumns, ReleaseHistoryTables.PlanRows(history))));
        body.Add(HtmlPage.Section("Rollbacks", history.Rollbacks.Count == 0 ? HtmlFragment.Element("p", "None.")
            : Table(ReleaseHistoryTables.RollbackColumns, ReleaseHistoryTables.RollbackRows(history))));
        body.Add(HtmlPage.Section("Gates", history.Gates.Count == 0 ? HtmlFragment.Element("p", "None.")
            : Table(ReleaseHistoryTables.GateColumns, ReleaseHistoryTables.GateRows(history))));
        body.Add(history.Drills.Count == 0
            ? HtmlPage.Section("Canaries and drills", HtmlFragment.Element("p", ReleaseHistoryTables.NotJournaled, "muted"))
            : HtmlPage.Section("Canaries and drills",
                BarChart.Render("Time to restore service in each drill, oldest first", DrillSeries,
                    [.. history.Drills.Select(d => new BarGroup($"{d.StartedAt:MM-dd HH:mm} {d.Scenario}", [(d.TimeToRestore ?? TimeSpan.Zero).TotalMilliseconds]))],
                    ms => ReportFormat.Duration(TimeSpan.FromMilliseconds(ms))),
                Table(Drills.DrillRows.Columns, Drills.DrillRows.Of(history.Drills))));
        return HtmlPage.Render(ReleaseHistoryTables.Title(history), body);
    }

    private static HtmlFragment Table(IReadOnlyList<ReportColumn> columns, IEnumerable<IReadOnlyList<string>> rows) =>
        HtmlTable.Render(columns, rows.Select(row => (IReadOnlyList<HtmlFragment>)[.. row.Select(HtmlFragment.Text)]));

    // The last release's phases on one time axis from its first start: each from its start to its finish, or to its
    // revert when a rollback undid it (the journal keeps the latest transition).
    private static HtmlFragment Timeline(Migrations.Journal.PlanJournal plan)
    {
        var phases = plan.Phases.Where(p => p.StartedAt is not null).ToList();
        var origin = phases.Min(p => p.StartedAt!.Value);
        var rows = phases.Select(p =>
        {
            var length = p.Duration ?? TimeSpan.Zero;
            var failed = p.LastError is not null || plan.LastEvents.Any(e => e.Kind == Migrations.Journal.JournalEventKind.PhaseFailed && e.Phase == p.Phase) ? 1 : 0;
            return new TimelineRow(p.Phase, [new TimelineSpan(failed, p.StartedAt!.Value - origin, length, $"{p.Phase}: {ReportFormat.Duration(length)}")]);
        }).ToList();
        return TimelineChart.Render("Phases of the last release, from its first start to each finish or revert", TimelineSeries, rows, ReportFormat.Duration);
    }
}
