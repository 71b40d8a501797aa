using System.Text;

namespace Sluice.Reports.Html;

/// <summary>A span on a timeline row: from <paramref name="Start"/> for <paramref name="Length"/>, in one series' lane.</summary>
/// <param name="Series">Index into the chart's series.</param>
/// <param name="Tooltip">Shown on hover (an SVG <c>title</c>).</param>
public sealed record TimelineSpan(int Series, TimeSpan Start, TimeSpan Length, string Tooltip);

/// <summary>A labelled row of a timeline (a phase, a batch group, a canary step).</summary>
public sealed record TimelineRow(string Label, IReadOnlyList<TimelineSpan> Spans);

/// <summary>
/// A Gantt-style timeline as inline SVG: one row per item, one thin lane per series inside each row, so a lock held
/// and the workload it blocked line up under the phase that caused them.
/// </summary>
public static class TimelineChart
{
    private const double LaneHeight = 9;
    private const double LaneGap = 2;
    private const double Top = 30;

    public static HtmlFragment Render(string title, IReadOnlyList<ChartSeries> series, IReadOnlyList<TimelineRow> rows, Func<TimeSpan, string> format)
    {
        var end = rows.SelectMany(r => r.Spans).Select(s => (s.Start + s.Length).TotalMilliseconds).DefaultIfEmpty(0).Max();
        var max = end > 0 ? end : 1;
        var rowHeight = series.Count * (LaneHeight + LaneGap) + 8;
        var bottom = Top + rows.Count * rowHeight;
        var svg = new StringBuilder(Svg.Open(bottom + 24, title));
        Svg.Legend(svg, series);
        Svg.Axis(svg, max, Top, bottom, ms => format(TimeSpan.FromMilliseconds(ms)));
        for (var r = 0; r < rows.Count; r++)
        {
            var y = Top + r * rowHeight;
            Svg.RowLabel(svg, y + rowHeight / 2, rows[r].Label);
            foreach (var span in rows[r].Spans.Where(s => s.Length > TimeSpan.Zero))
            {
                var x = Svg.LabelWidth + span.Start.TotalMilliseconds / max * Svg.PlotWidth;
                // A real but short span stays visible: two pixels at least.
                var width = Math.Max(2, span.Length.TotalMilliseconds / max * Svg.PlotWidth);
                Svg.Rect(svg, x, y + 4 + span.Series * (LaneHeight + LaneGap), width, LaneHeight, series[span.Series].Color, span.Tooltip);
            }
        }
        svg.Append("</svg>");
        return HtmlFragment.Element("figure", HtmlFragment.Concat(HtmlFragment.Trusted(svg.ToString()), HtmlFragment.Element("figcaption", title)), "timeline");
    }
}
