using System.Globalization;

namespace Sluice.Reports;

/// <summary>How every report writes a quantity, so the Markdown and the HTML version of one report agree.</summary>
public static class ReportFormat
{
    /// <summary>Milliseconds under ten seconds, seconds with one decimal above, minutes above ten minutes.</summary>
    public static string Duration(TimeSpan t) =>
        t.TotalMinutes >= 10 ? string.Create(CultureInfo.InvariantCulture, $"{t.TotalMinutes:F1} min")
        : t.TotalSeconds >= 10 ? string.Create(CultureInfo.InvariantCulture, $"{t.TotalSeconds:F1} s")
        : string.Create(CultureInfo.InvariantCulture, $"{t.TotalMilliseconds:F0} ms");
}
