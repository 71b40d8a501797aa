using System.Text.Json;
using Sluice.Environments;
using Sluice.Errors;
using Sluice.Gates;

namespace Sluice.Postgres.Tests.Releases;

/// <summary>Change windows and freezes in the environment's own time zone (IANA ids through TimeZoneInfo).</summary>
public sealed class CalendarGateTests
{
    private static readonly ChangeCalendar Berlin = ChangeCalendar.Read(JsonDocument.Parse("""
        {
          "time_zone": "Europe/Berlin",
          "windows": [{ "days": ["mon", "tue", "wed", "thu"], "from": "09:00", "to": "16:00" }],
          "freezes": [{ "from": "2026-12-20", "to": "2027-01-04", "reason": "year end" }]
        }
        """).RootElement);

    private static Task<GateResult> At(string instant) =>
        new CalendarGate(Berlin).EvaluateAsync(new GateContext("production", EnvironmentSpec.LocalDefault, [], DateTimeOffset.Parse(instant, System.Globalization.CultureInfo.InvariantCulture)), CancellationToken.None);

    [Fact]
    public async Task Inside_a_window_in_the_zones_summer_time_passes()
    {
        // 07:30 UTC on Tuesday 2026-07-14 is 09:30 in Berlin (UTC+2): inside the window.
        var result = await At("2026-07-14T07:30:00Z");
        Assert.Equal(GateVerdict.Pass, result.Verdict);
        Assert.Contains("2026-07-14 09:30 Tue Europe/Berlin", result.Evidence);
    }

    [Fact]
    public async Task The_same_UTC_time_in_winter_is_before_the_window_and_blocks()
    {
        // 07:30 UTC on Tuesday 2026-01-13 is 08:30 in Berlin (UTC+1): before 09:00.
        var result = await At("2026-01-13T07:30:00Z");
        Assert.Equal(GateVerdict.Fail, result.Verdict);
        Assert.Contains("outside every change window", result.Evidence);
        Assert.Contains("Mon,Tue,Wed,Thu 09:00-16:00", result.Remedy);
    }

    [Fact]
    public async Task A_freeze_blocks_even_inside_a_window()
    {
        var result = await At("2026-12-22T10:00:00Z");
        Assert.Equal(GateVerdict.Fail, result.Verdict);
        Assert.Contains("freeze 'year end'", result.Evidence);
        Assert.Contains("2027-01-04 00:00 Europe/Berlin", result.Remedy);
    }

    [Fact]
    public async Task No_calendar_passes_at_any_time()
    {
        var result = await new CalendarGate(ChangeCalendar.Read(null)).EvaluateAsync(
            new GateContext("local", EnvironmentSpec.LocalDefault, [], DateTimeOffset.UnixEpoch), CancellationToken.None);
        Assert.Equal(GateVerdict.Pass, result.Verdict);
    }

    [Fact]
    public void An_unknown_time_zone_is_a_usage_error()
    {
        var error = Assert.Throws<SluiceException>(() => ChangeCalendar.Read(JsonDocument.Parse("""{ "time_zone": "Mars/Olympus" }""").RootElement, ".nuke/parameters.production.json"));
        Assert.Equal(("SLU071", ErrorKind.Usage, ".nuke/parameters.production.json"), (error.Code, error.Kind, error.File));
    }
}
