namespace Sluice.Build;

internal static class Durations
{
    /// <summary>Short human form: <c>850ms</c>, <c>12.3s</c>, <c>4m05s</c>, <c>2h10m</c>.</summary>
    public static string Format(TimeSpan span) => span.TotalSeconds switch
    {
        < 1 => $"{span.TotalMilliseconds:0}ms",
        < 60 => $"{span.TotalSeconds:0.0}s",
        < 3600 => $"{(int)span.TotalMinutes}m{span.Seconds:00}s",
        _ => $"{(int)span.TotalHours}h{span.Minutes:00}m",
    };
}
