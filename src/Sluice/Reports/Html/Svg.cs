using System.Globalization;
using System.Text;

namespace Sluice.Reports.Html;

/// <summary>The SVG marks the charts share; every label goes through <see cref="HtmlFragment.Text"/>.</summary>
internal static class Svg
{
    public const int Width = 880;
    public const int LabelWidth = 230;
    public const int PlotWidth = Width - LabelWidth - 90;

    public static string N(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    public static void Rect(StringBuilder svg, double x, double y, double width, double height, string color, string tooltip) =>
        svg.Append($"<rect x=\"{N(x)}\" y=\"{N(y)}\" width=\"{N(width)}\" height=\"{N(height)}\" fill=\"{HtmlFragment.Text(color)}\"><title>{HtmlFragment.Text(tooltip)}</title></rect>");

    public static void Label(StringBuilder svg, double x, double y, string text, string anchor = "start") =>
        svg.Append($"<text x=\"{N(x)}\" y=\"{N(y)}\" text-anchor=\"{anchor}\" dominant-baseline=\"middle\">{HtmlFragment.Text(text)}</text>");

    /// <summary>A row's label, right-aligned against the plot; a long one keeps its end (the phase name) and shows whole on hover.</summary>
    public static void RowLabel(StringBuilder svg, double y, string text)
    {
        const int fits = 29; // characters of 12px text in the label column
        var shown = text.Length <= fits ? text : "…" + text[^(fits - 1)..];
        svg.Append($"<text x=\"{N(LabelWidth - 8)}\" y=\"{N(y)}\" text-anchor=\"end\" dominant-baseline=\"middle\"><title>{HtmlFragment.Text(text)}</title>{HtmlFragment.Text(shown)}</text>");
    }

    public static void Line(StringBuilder svg, double x1, double y1, double x2, double y2, string color) =>
        svg.Append($"<line x1=\"{N(x1)}\" y1=\"{N(y1)}\" x2=\"{N(x2)}\" y2=\"{N(y2)}\" stroke=\"{HtmlFragment.Text(color)}\" stroke-width=\"1\"/>");

    /// <summary>A legend row at the top: a swatch and the name of each series.</summary>
    public static void Legend(StringBuilder svg, IReadOnlyList<ChartSeries> series)
    {
        var x = (double)LabelWidth;
        foreach (var s in series)
        {
            Rect(svg, x, 6, 12, 12, s.Color, s.Name);
            Label(svg, x + 16, 12, s.Name);
            x += 28 + s.Name.Length * 7;
        }
    }

    /// <summary>Grid lines and tick labels along the bottom of the plot for values 0..<paramref name="max"/>.</summary>
    public static void Axis(StringBuilder svg, double max, double top, double bottom, Func<double, string> format)
    {
        var step = NiceStep(max / 5);
        for (var v = 0.0; v <= max + step / 1000; v += step)
        {
            var x = LabelWidth + v / max * PlotWidth;
            Line(svg, x, top, x, bottom, "#d0d7de");
            Label(svg, x, bottom + 10, format(v), "middle");
        }
    }

    public static string Open(double height, string title) =>
        $"<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"{Width}\" height=\"{N(height)}\" viewBox=\"0 0 {Width} {N(height)}\"><title>{HtmlFragment.Text(title)}</title>";

    // 1, 2 or 5 times a power of ten: ticks a person reads at a glance.
    private static double NiceStep(double rough)
    {
        if (rough <= 0) return 1;
        var power = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        var fraction = rough / power;
        return (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * power;
    }
}
