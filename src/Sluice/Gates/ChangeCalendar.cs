using System.Globalization;
using System.Text.Json;
using Sluice.Errors;

namespace Sluice.Gates;

/// <summary>A weekly change window (local days and times in the calendar's zone); <c>to</c> is exclusive.</summary>
public sealed record ChangeWindow(IReadOnlySet<DayOfWeek> Days, TimeOnly From, TimeOnly To);

/// <summary>A period in which nothing changes (local times in the calendar's zone); <c>to</c> is exclusive.</summary>
public sealed record FreezePeriod(DateTime From, DateTime To, string Reason);

/// <summary>
/// The <c>calendar</c> of an environment:
/// <c>{ "time_zone": "Europe/Berlin", "windows": [{ "days": ["mon","tue"], "from": "09:00", "to": "16:00" }],
/// "freezes": [{ "from": "2026-12-20", "to": "2027-01-04", "reason": "year end" }] }</c>.
/// No windows means any time is inside a window. Times are the zone's wall-clock times, so a window follows
/// daylight saving time the way the people running the service do.
/// </summary>
public sealed record ChangeCalendar(TimeZoneInfo Zone, IReadOnlyList<ChangeWindow> Windows, IReadOnlyList<FreezePeriod> Freezes)
{
    public static ChangeCalendar Always { get; } = new(TimeZoneInfo.Utc, [], []);

    /// <summary>The freeze <paramref name="at"/> falls in, if any.</summary>
    public FreezePeriod? FreezeAt(DateTimeOffset at)
    {
        var local = TimeZoneInfo.ConvertTime(at, Zone).DateTime;
        return Freezes.FirstOrDefault(f => local >= f.From && local < f.To);
    }

    /// <summary>Whether <paramref name="at"/> is inside one of the windows (always, when there are none).</summary>
    public bool InsideWindow(DateTimeOffset at)
    {
        if (Windows.Count == 0) return true;
        var local = TimeZoneInfo.ConvertTime(at, Zone).DateTime;
        var time = TimeOnly.FromDateTime(local);
        return Windows.Any(w => w.Days.Contains(local.DayOfWeek) && time >= w.From && time < w.To);
    }

    /// <summary>The whole calendar as one line (zone, windows, freezes), which an approval signs: a changed window voids it.</summary>
    public string Signature() =>
        Windows.Count == 0 && Freezes.Count == 0 ? "any time (no calendar)"
            : $"{Zone.Id}: windows [{string.Join("; ", Windows.Select(w => $"{string.Join(",", w.Days.Order().Select(d => d.ToString()[..3].ToLowerInvariant()))} {w.From:HH\\:mm}-{w.To:HH\\:mm}"))}]"
              + $" freezes [{string.Join("; ", Freezes.Select(f => $"{f.From:yyyy-MM-dd HH\\:mm}-{f.To:yyyy-MM-dd HH\\:mm} {f.Reason}"))}]";

    public string Describe(DateTimeOffset at) =>
        $"{TimeZoneInfo.ConvertTime(at, Zone):yyyy-MM-dd HH:mm ddd} {Zone.Id}";

    /// <summary>Reads the JSON of the <c>calendar</c> key; null or absent is <see cref="Always"/>.</summary>
    public static ChangeCalendar Read(JsonElement? json, string? file = null)
    {
        if (json is not { ValueKind: JsonValueKind.Object } root) return Always;
        try
        {
            var zone = root.TryGetProperty("time_zone", out var z) ? TimeZoneInfo.FindSystemTimeZoneById(z.GetString()!) : TimeZoneInfo.Utc;
            var windows = root.TryGetProperty("windows", out var w)
                ? w.EnumerateArray().Select(x => new ChangeWindow(
                    x.GetProperty("days").EnumerateArray().Select(d => Day(d.GetString()!)).ToHashSet(),
                    TimeOnly.Parse(x.GetProperty("from").GetString()!, CultureInfo.InvariantCulture),
                    TimeOnly.Parse(x.GetProperty("to").GetString()!, CultureInfo.InvariantCulture))).ToList()
                : [];
            var freezes = root.TryGetProperty("freezes", out var f)
                ? f.EnumerateArray().Select(x => new FreezePeriod(
                    DateTime.Parse(x.GetProperty("from").GetString()!, CultureInfo.InvariantCulture),
                    DateTime.Parse(x.GetProperty("to").GetString()!, CultureInfo.InvariantCulture),
                    x.TryGetProperty("reason", out var r) ? r.GetString() ?? "freeze" : "freeze")).ToList()
                : [];
            return new ChangeCalendar(zone, windows, freezes);
        }
        catch (Exception e) when (e is KeyNotFoundException or FormatException or InvalidOperationException or TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw SluiceException.Usage(ErrorCodes.BadCalendar, $"the environment's calendar cannot be read: {e.Message}",
                "write it as { \"time_zone\": \"Europe/Berlin\", \"windows\": [{ \"days\": [\"mon\"], \"from\": \"09:00\", \"to\": \"16:00\" }], "
                + "\"freezes\": [{ \"from\": \"2026-12-20\", \"to\": \"2027-01-04\", \"reason\": \"year end\" }] } with an IANA zone", file, inner: e);
        }
    }

    private static DayOfWeek Day(string day) => day.ToLowerInvariant() switch
    {
        "mon" or "monday" => DayOfWeek.Monday,
        "tue" or "tuesday" => DayOfWeek.Tuesday,
        "wed" or "wednesday" => DayOfWeek.Wednesday,
        "thu" or "thursday" => DayOfWeek.Thursday,
        "fri" or "friday" => DayOfWeek.Friday,
        "sat" or "saturday" => DayOfWeek.Saturday,
        "sun" or "sunday" => DayOfWeek.Sunday,
        _ => throw new FormatException($"'{day}' is not a day (mon, tue, ... sun)"),
    };
}
