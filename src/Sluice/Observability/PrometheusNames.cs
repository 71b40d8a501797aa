using System.Text;

namespace Sluice.Observability;

/// <summary>
/// The name an OpenTelemetry metric gets in Prometheus (the specification's "Prometheus and OpenMetrics
/// compatibility", as its Prometheus exporters apply it):
/// <list type="number">
/// <item>every character other than a letter, digit or <c>:</c> becomes <c>_</c>, runs of <c>_</c> become one;</item>
/// <item>the unit loses its annotations (<c>{row}</c> is unitless); <c>foo/bar</c> becomes <c>foo_per_bar</c>, with
/// <c>s</c> after the slash read as <c>second</c>; abbreviations become words (<c>s</c> → <c>seconds</c>,
/// <c>ms</c> → <c>milliseconds</c>, <c>By</c> → <c>bytes</c>, <c>1</c> → nothing);</item>
/// <item>the unit is appended as a suffix unless the name already ends with it;</item>
/// <item>a counter ends with <c>_total</c>;</item>
/// <item>a gauge with unit <c>1</c> ends with <c>_ratio</c>.</item>
/// </list>
/// </summary>
public static class PrometheusNames
{
    public static string For(string name, string unit, InstrumentKind kind)
    {
        var result = Sanitize(name);
        var suffix = UnitSuffix(unit);
        if (suffix.Length > 0 && !result.EndsWith("_" + suffix, StringComparison.Ordinal)) result += "_" + suffix;
        if (kind == InstrumentKind.Counter && !result.EndsWith("_total", StringComparison.Ordinal)) result += "_total";
        if (kind is InstrumentKind.Gauge or InstrumentKind.UpDownCounter && unit == "1" && !result.EndsWith("_ratio", StringComparison.Ordinal)) result += "_ratio";
        return result;
    }

    private static string Sanitize(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            var keep = char.IsAsciiLetterOrDigit(c) || c == ':';
            if (keep) builder.Append(c);
            else if (builder.Length == 0 || builder[^1] != '_') builder.Append('_');
        }
        return builder.ToString().Trim('_');
    }

    private static string UnitSuffix(string unit)
    {
        var plain = RemoveAnnotations(unit);
        var slash = plain.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0) return Sanitize(Word(plain));
        var per = PerWord(plain[(slash + 1)..]);
        var main = Word(plain[..slash]);
        return Sanitize(main.Length == 0 ? $"per_{per}" : $"{main}_per_{per}");
    }

    private static string RemoveAnnotations(string unit)
    {
        var builder = new StringBuilder(unit.Length);
        var depth = 0;
        foreach (var c in unit)
        {
            if (c == '{') depth++;
            else if (c == '}' && depth > 0) depth--;
            else if (depth == 0) builder.Append(c);
        }
        return builder.ToString();
    }

    private static string Word(string unit) => unit switch
    {
        "d" => "days", "h" => "hours", "min" => "minutes", "s" => "seconds", "ms" => "milliseconds",
        "us" => "microseconds", "ns" => "nanoseconds", "By" => "bytes", "KiBy" => "kibibytes", "MiBy" => "mebibytes",
        "GiBy" => "gibibytes", "%" => "percent", "1" => "",
        _ => unit,
    };

    private static string PerWord(string unit) => unit switch
    {
        "s" => "second", "min" => "minute", "m" => "minute", "h" => "hour", "d" => "day", "w" => "week", "mo" => "month", "y" => "year",
        _ => unit,
    };
}
