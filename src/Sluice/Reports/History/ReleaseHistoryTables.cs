using System.Globalization;
using Sluice.Migrations.Journal;

namespace Sluice.Reports.History;

/// <summary>The tables and sentences of the release history, shared by its page and its Markdown so they agree.</summary>
internal static class ReleaseHistoryTables
{
    public static string Title(ReleaseHistory history) => $"Release history of '{history.Environment}'";

    public static readonly IReadOnlyList<ReportColumn> SummaryColumns = [new("figure"), new("value")];

    public static IEnumerable<IReadOnlyList<string>> SummaryRows(ReleaseHistory h) =>
    [
        ["plans that ran", h.Plans.Count.ToString(CultureInfo.InvariantCulture)],
        ["change failure rate", Percent(h.ChangeFailureRate)],
        ["rollback success rate", Percent(h.RollbackSuccessRate)],
        ["time to restore (mean rollback)", h.TimeToRestore is { } t ? ReportFormat.Duration(t) : "no rollback"],
        ["gate outcomes", string.Join(", ", h.GateOutcomes.Select(g => $"{g.Count} {g.Verdict.ToString().ToLowerInvariant()}"))],
    ];

    public static readonly IReadOnlyList<ReportColumn> PlanColumns = [new("plan"), new("status"), new("phases done", true), new("half-migrated", true), new("last error")];

    public static IEnumerable<IReadOnlyList<string>> PlanRows(ReleaseHistory h) => h.Plans.Select(p => (IReadOnlyList<string>)
    [
        p.Plan.PlanId, Word(p.Plan.Status), $"{p.Phases.Count(f => f.Status == JournalStatus.Done)}/{p.Phases.Count}",
        ReportFormat.Duration(h.HalfMigrated(p)), p.Phases.Select(f => f.LastError).LastOrDefault(e => e is not null) ?? "",
    ]);

    public static readonly IReadOnlyList<ReportColumn> PhaseColumns = [new("phase"), new("kind"), new("status"), new("attempts", true), new("duration", true)];

    public static IEnumerable<IReadOnlyList<string>> PhaseRows(PlanJournal plan) => plan.Phases.Select(p => (IReadOnlyList<string>)
    [
        p.Phase, p.Kind.ToString().ToLowerInvariant(), Word(p.Status), p.Attempts.ToString(CultureInfo.InvariantCulture),
        p.Duration is { } d ? ReportFormat.Duration(d) : "",
    ]);

    public static readonly IReadOnlyList<ReportColumn> RollbackColumns = [new("at"), new("plan"), new("trigger"), new("outcome"), new("phases", true), new("took", true), new("why")];

    public static IEnumerable<IReadOnlyList<string>> RollbackRows(ReleaseHistory h) => h.Rollbacks.Select(r => (IReadOnlyList<string>)
    [
        At(r.At), r.PlanId ?? "", r.Trigger.ToString().ToLowerInvariant(), r.Outcome.ToString(), r.PhasesReverted.ToString(CultureInfo.InvariantCulture),
        ReportFormat.Duration(r.Duration), r.Detail,
    ]);

    public static readonly IReadOnlyList<ReportColumn> GateColumns = [new("at"), new("gate"), new("verdict"), new("evidence")];

    public static IEnumerable<IReadOnlyList<string>> GateRows(ReleaseHistory h) => h.Gates.Take(30).Select(g => (IReadOnlyList<string>)
        [At(g.At), g.Gate, g.Verdict.ToString().ToLowerInvariant(), g.Evidence]);

    /// <summary>A short retrospective of the last release: what failed, what was retried, what rolled back.</summary>
    public static IEnumerable<string> Retrospective(ReleaseHistory h)
    {
        if (h.Last is not { } last) yield break;
        yield return $"{last.Plan.PlanId} is {Word(last.Plan.Status)}, half-migrated for {ReportFormat.Duration(h.HalfMigrated(last))}.";
        foreach (var p in last.Phases.Where(p => p.Attempts > 1)) yield return $"{p.Phase} took {p.Attempts} attempts (lock timeouts).";
        // The phase row's error is cleared when a rollback reverts it; the event log keeps it.
        foreach (var e in last.LastEvents.Where(e => e.Kind == JournalEventKind.PhaseFailed).OrderBy(e => e.At)) yield return $"{e.Phase} failed: {e.Message}";
        foreach (var r in h.Rollbacks.Where(r => r.PlanId == last.Plan.PlanId).Take(3))
            yield return $"rolled back ({r.Trigger.ToString().ToLowerInvariant()}, {r.Outcome}) in {ReportFormat.Duration(r.Duration)}: {r.Detail}";
    }

    public const string NotJournaled = "No canary steps or drills are recorded in this environment's journal (drills: ./build.sh Drill --env ENV --scenario NAME).";

    private static string Percent(double? rate) => rate is { } r ? string.Create(CultureInfo.InvariantCulture, $"{r * 100:F0} %") : "n/a";

    private static string At(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    private static string Word(JournalStatus status) => status.ToString().ToLowerInvariant();
}
