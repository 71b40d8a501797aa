namespace Sluice.Gates;

/// <summary>Passes inside a change window and outside every freeze of the environment's calendar.</summary>
public sealed class CalendarGate(ChangeCalendar calendar) : IReleaseGate
{
    public string Name => "calendar";

    public Task<GateResult> EvaluateAsync(GateContext context, CancellationToken cancellationToken)
    {
        var now = calendar.Describe(context.Now);
        if (calendar.FreezeAt(context.Now) is { } freeze)
            return Task.FromResult(GateResult.Fail(Name, $"{now} is inside the freeze '{freeze.Reason}' ({freeze.From:yyyy-MM-dd HH:mm} to {freeze.To:yyyy-MM-dd HH:mm})",
                $"wait until {freeze.To:yyyy-MM-dd HH:mm} {calendar.Zone.Id}, or change the freeze in the environment's calendar with its owners' consent"));
        if (!calendar.InsideWindow(context.Now))
            return Task.FromResult(GateResult.Fail(Name, $"{now} is outside every change window",
                $"run inside a window: {string.Join("; ", calendar.Windows.Select(w => $"{string.Join(",", w.Days.Order().Select(d => d.ToString()[..3]))} {w.From:HH\\:mm}-{w.To:HH\\:mm}"))}"));
        return Task.FromResult(GateResult.Pass(Name, calendar.Windows.Count == 0 && calendar.Freezes.Count == 0
            ? "no calendar: any time is allowed" : $"{now} is inside a change window and outside every freeze"));
    }
}
