using System.Globalization;
using System.Text.RegularExpressions;

namespace Sluice.Migrations.Plans;

/// <summary>Sizes as people write them in plans, with PostgreSQL's units: <c>4MB</c>, <c>512kB</c>, <c>1GB</c> (powers
/// of 1024, as in <c>postgresql.conf</c>), or a plain number of bytes.</summary>
public static partial class ByteSizes
{
    public static bool TryParse(string? text, out long bytes)
    {
        bytes = 0;
        var match = text is null ? Match.Empty : Size().Match(text.Trim());
        if (!match.Success || !long.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var number)) return false;
        var unit = match.Groups[2].Value switch { "" or "B" => 1L, "kB" => 1L << 10, "MB" => 1L << 20, "GB" => 1L << 30, _ => 0L };
        if (unit == 0 || number > long.MaxValue / unit) return false;
        bytes = number * unit;
        return true;
    }

    [GeneratedRegex("^([0-9]+)\\s*(B|kB|MB|GB)?$", RegexOptions.CultureInvariant)]
    private static partial Regex Size();
}
