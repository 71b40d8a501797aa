namespace Sluice.Reports.Html;

/// <summary>A plain table: a header row and one row of cells per item.</summary>
public static class HtmlTable
{
    public static HtmlFragment Render(IReadOnlyList<ReportColumn> columns, IEnumerable<IReadOnlyList<HtmlFragment>> rows)
    {
        var head = HtmlFragment.Element("tr", HtmlFragment.Concat(columns.Select(c => HtmlFragment.Element("th", c.Header, c.Numeric ? "num" : null))));
        var body = rows.Select(cells =>
        {
            if (cells.Count != columns.Count) throw new ArgumentException($"a row has {cells.Count} cells for {columns.Count} columns", nameof(rows));
            return HtmlFragment.Element("tr", HtmlFragment.Concat(cells.Select((cell, i) => HtmlFragment.Element("td", cell, columns[i].Numeric ? "num" : null))));
        });
        // In a scrolling box: a wide table scrolls on its own instead of pushing the page wider than the screen.
        return HtmlFragment.Element("div", HtmlFragment.Element("table", HtmlFragment.Concat(HtmlFragment.Element("thead", head), HtmlFragment.Element("tbody", HtmlFragment.Concat(body)))), "wide");
    }
}
