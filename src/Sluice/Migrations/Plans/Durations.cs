using System.Globalization;
using System.Text.RegularExpressions;

namespace Sluice.Migrations.Plans;

/// <summary>Durations as people write them in plans: <c>200ms</c>, <c>30s</c>, <c>2h</c>, <c>1d</c>, <c>1h30m</c>.</summary>
public static partial class Durations
{
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var matches = Part().Matches(text.Trim());
        if (matches.Count == 0 || string.Concat(matches.Select(m => m.Value)) != text.Trim()) return false;
        try
        {
            foreach (Match match in matches)
            {
                if (!long.TryParse(match.Groups["n"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n)) return false;
                duration += match.Groups["unit"].Value switch
                {
                    "ms" => TimeSpan.FromMilliseconds(n),
                    "s" => TimeSpan.FromSeconds(n),
                    "m" => TimeSpan.FromMinutes(n),
                    "h" => TimeSpan.FromHours(n),
                    "d" => TimeSpan.FromDays(n),
                    _ => throw new InvalidOperationException("unreachable: the pattern lists the units"),
                };
            }
        }
        catch (Exception e) when (e is OverflowException or ArgumentOutOfRangeException)
        {
            // Longer than TimeSpan holds (about 29 000 years): not a duration anyone means.
            duration = TimeSpan.Zero;
            return false;
        }
        return true;
    }

    /// <summary>The shortest exact form: <c>1h30m</c>, <c>200ms</c>.</summary>
    public static string Format(TimeSpan duration)
    {
        if (duration == TimeSpan.Zero) return "0s";
        var parts = new List<string>();
        if (duration.Days > 0) parts.Add($"{duration.Days}d");
        if (duration.Hours > 0) parts.Add($"{duration.Hours}h");
        if (duration.Minutes > 0) parts.Add($"{duration.Minutes}m");
        if (duration.Seconds > 0) parts.Add($"{duration.Seconds}s");
        if (duration.Milliseconds > 0) parts.Add($"{duration.Milliseconds}ms");
        return string.Concat(parts);
    }

    [GeneratedRegex(@"(?<n>\d+)(?<unit>ms|s|m|h|d)", RegexOptions.CultureInvariant)]
    private static partial Regex Part();
}
