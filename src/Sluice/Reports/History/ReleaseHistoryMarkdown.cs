using System.Text;
using Sluice.Reports.Markdown;

namespace Sluice.Reports.History;

/// <summary>The release history for a step summary or a pull-request comment: headings and tables, no raw HTML.</summary>
public static class ReleaseHistoryMarkdown
{
    public static string Render(ReleaseHistory history)
    {
        var text = new StringBuilder();
        text.Append("# ").Append(MarkdownText.Inline(ReleaseHistoryTables.Title(history))).Append("\n\n");
        text.Append("## Summary\n\n").Append(MarkdownTable.Render(ReleaseHistoryTables.SummaryColumns, ReleaseHistoryTables.SummaryRows(history))).Append('\n');
        if (history.Last is { } last)
        {
            text.Append("## Last release: ").Append(MarkdownText.Inline(last.Plan.PlanId)).Append("\n\n");
            foreach (var line in ReleaseHistoryTables.Retrospective(history)) text.Append("- ").Append(MarkdownText.Inline(line)).Append('\n');
            text.Append('\n').Append(MarkdownTable.Render(ReleaseHistoryTables.PhaseColumns, ReleaseHistoryTables.PhaseRows(last))).Append('\n');
        }
        text.Append("## Plans\n\n").Append(MarkdownTable.Render(ReleaseHistoryTables.PlanColumns, ReleaseHistoryTables.PlanRows(history))).Append('\n');
        text.Append("## Rollbacks\n\n").Append(history.Rollbacks.Count == 0 ? "None.\n"
            : MarkdownTable.Render(ReleaseHistoryTables.RollbackColumns, ReleaseHistoryTables.RollbackRows(history))).Append('\n');
        text.Append("## Gates\n\n").Append(history.Gates.Count == 0 ? "None.\n"
            : MarkdownTable.Render(ReleaseHistoryTables.GateColumns, ReleaseHistoryTables.GateRows(history))).Append('\n');
        text.Append("## Canaries and drills\n\n").Append(history.Drills.Count == 0 ? ReleaseHistoryTables.NotJournaled + "\n"
            : MarkdownTable.Render(Drills.DrillRows.Columns, Drills.DrillRows.Of(history.Drills))).Append('\n');
        return text.ToString();
    }

}
