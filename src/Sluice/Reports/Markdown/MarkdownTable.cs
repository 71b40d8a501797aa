using System.Text;

namespace Sluice.Reports.Markdown;

/// <summary>
/// A GitHub pipe table. Cells are text: pipes are escaped, line breaks become "; " and angle brackets entities, so a
/// cell never ends the table early nor smuggles raw HTML into a step summary or a pull-request comment.
/// </summary>
public static class MarkdownTable
{
    public static string Render(IReadOnlyList<ReportColumn> columns, IEnumerable<IReadOnlyList<string>> rows)
    {
        var md = new StringBuilder();
        md.Append("| ").AppendJoin(" | ", columns.Select(c => MarkdownText.Cell(c.Header))).Append(" |\n");
        md.Append('|').AppendJoin('|', columns.Select(c => c.Numeric ? "---:" : "---")).Append("|\n");
        foreach (var row in rows)
        {
            if (row.Count != columns.Count) throw new ArgumentException($"a row has {row.Count} cells for {columns.Count} columns", nameof(rows));
            md.Append("| ").AppendJoin(" | ", row.Select(MarkdownText.Cell)).Append(" |\n");
        }
        return md.ToString();
    }
}
