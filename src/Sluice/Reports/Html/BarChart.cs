using System.Text;

namespace Sluice.Reports.Html;

/// <summary>One group of bars: a label and a value per series (null where the series has none).</summary>
public sealed record BarGroup(string Label, IReadOnlyList<double?> Values);

/// <summary>Grouped horizontal bars as inline SVG (predicted against measured, one group per phase), values written at the bar ends.</summary>
public static class BarChart
{
    private const double BarHeight = 12;
    private const double Top = 30;

    public static HtmlFragment Render(string title, IReadOnlyList<ChartSeries> series, IReadOnlyList<BarGroup> groups, Func<double, string> format)
    {
        var largest = groups.SelectMany(g => g.Values).Select(v => v ?? 0).DefaultIfEmpty(0).Max();
        var max = largest > 0 ? largest : 1;
        var groupHeight = series.Count * BarHeight + 10;
        var bottom = Top + groups.Count * groupHeight;
        var svg = new StringBuilder(Svg.Open(bottom + 24, title));
        Svg.Legend(svg, series);
        Svg.Axis(svg, max, Top, bottom, format);
        for (var g = 0; g < groups.Count; g++)
        {
            var y = Top + g * groupHeight + 5;
            Svg.RowLabel(svg, y + series.Count * BarHeight / 2, groups[g].Label);
            for (var s = 0; s < series.Count && s < groups[g].Values.Count; s++)
            {
                if (groups[g].Values[s] is not { } value) continue;
                var width = Math.Max(value > 0 ? 2 : 0, value / max * Svg.PlotWidth);
                var text = format(value);
                Svg.Rect(svg, Svg.LabelWidth, y + s * BarHeight, width, BarHeight - 2, series[s].Color, $"{series[s].Name}: {text}");
                Svg.Label(svg, Svg.LabelWidth + width + 4, y + s * BarHeight + BarHeight / 2 - 1, text);
            }
        }
        svg.Append("</svg>");
        return HtmlFragment.Element("figure", HtmlFragment.Concat(HtmlFragment.Trusted(svg.ToString()), HtmlFragment.Element("figcaption", title)), "bars");
    }
}
