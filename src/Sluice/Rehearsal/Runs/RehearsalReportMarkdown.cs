using System.Text;
using Sluice.Reports;
using Sluice.Reports.Markdown;

namespace Sluice.Rehearsal.Runs;

/// <summary>The rehearsal report for a step summary or a pull-request comment: headings, a pipe table, a list; no raw HTML.</summary>
internal static class RehearsalReportMarkdown
{
    public static string Render(RehearsalReport report)
    {
        var md = new StringBuilder();
        md.Append("# ").Append(MarkdownText.Inline(RehearsalReportTables.Title(report))).Append("\n\n");
        md.Append(MarkdownText.Inline(RehearsalReportTables.Summary(report))).Append("\n\n");
        if (RehearsalReportTables.Seeds(report) is { } seeds) md.Append(MarkdownText.Inline(seeds)).Append("\n\n");
        foreach (var plan in report.Plans)
            md.Append("- plan ").Append(MarkdownText.Code(plan.Id)).Append(" hash ").Append(MarkdownText.Code(RehearsalReportTables.ShortHash(plan))).Append('\n');
        md.Append("\n## Phases\n\n").Append(MarkdownTable.Render(RehearsalReportTables.PhaseColumns, RehearsalReportTables.PhaseRows(report)));
        if (report.Slos.Count > 0)
            md.Append("\n## Plan SLOs at production size\n\n").Append(MarkdownTable.Render(RehearsalReportTables.SloColumns, RehearsalReportTables.SloRows(report)));
        if (RehearsalTrafficTables.Fidelity(report) is { } fidelity)
        {
            md.Append("\n## Production's statements\n\n").Append(MarkdownText.Inline(fidelity)).Append("\n\n");
            // No empty tables: a profile without a mix has only the sentence saying why.
            var plans = RehearsalTrafficTables.PlanRows(report).ToList();
            if (plans.Count > 0) md.Append(MarkdownTable.Render(RehearsalTrafficTables.PlanColumns, plans));
            if (report.Replay.Count > 0) md.Append('\n').Append(MarkdownTable.Render(RehearsalTrafficTables.ReplayColumns, RehearsalTrafficTables.ReplayRows(report)));
        }
        md.Append("\n## Findings\n\n");
        if (report.Findings.Count == 0) md.Append("None.\n");
        foreach (var f in RehearsalReportTables.Findings(report))
        {
            md.Append("- **").Append(RehearsalReportTables.Severity(f)).Append("** ").Append(MarkdownText.Code(f.Rule));
            if (f.Where.Length > 0) md.Append(" at ").Append(MarkdownText.Code(f.Where));
            if (f.Seed is { } seed) md.Append(" (seed ").Append(seed).Append(')');
            md.Append(": ").Append(MarkdownText.Inline(f.Message)).Append('\n');
            if (f.Statement is not null) md.Append("  - statement: ").Append(MarkdownText.Code(f.Statement)).Append('\n');
            if (f.Remedy is not null) md.Append("  - safe recipe: ").Append(MarkdownText.Inline(f.Remedy)).Append('\n');
        }
        return md.ToString();
    }
}
