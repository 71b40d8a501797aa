namespace Sluice.Build;

/// <summary>
/// Progress of long work, reported through <see cref="IProgress{T}"/> so domain code needs no knowledge of the host:
/// the console draws a live status line, GitHub logs throttled lines, Azure sets the task's progress bar.
/// </summary>
/// <param name="Activity">What is progressing: <c>backfill customers</c>.</param>
/// <param name="Done">Units done so far.</param>
/// <param name="Total">Units in all, when known.</param>
/// <param name="Unit">The unit's name: <c>rows</c>.</param>
/// <param name="Rate">Units per second, when known.</param>
/// <param name="Eta">Estimated time left, when known.</param>
public sealed record ProgressReport(string Activity, long Done, long? Total = null, string Unit = "", double? Rate = null, TimeSpan? Eta = null)
{
    public double? Fraction => Total is > 0 ? Math.Clamp((double)Done / Total.Value, 0, 1) : null;

    public string Describe()
    {
        var c = System.Globalization.CultureInfo.InvariantCulture;
        var parts = new List<string> { Activity };
        parts.Add((Total is { } total ? string.Create(c, $"{Done:N0}/{total:N0} {Unit}") : string.Create(c, $"{Done:N0} {Unit}")).TrimEnd());
        if (Fraction is { } f) parts.Add(string.Create(c, $"{f * 100:0}%"));
        if (Rate is { } r) parts.Add(string.Create(c, $"{r:N0} {Unit}/s").Replace(" /s", "/s"));
        if (Eta is { } eta) parts.Add($"ETA {Durations.Format(eta)}");
        return string.Join(" · ", parts);
    }
}
