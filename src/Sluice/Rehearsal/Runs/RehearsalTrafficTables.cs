using System.Globalization;
using Sluice.Reports;

namespace Sluice.Rehearsal.Runs;

/// <summary>The report's traffic facts (planner fidelity, replayed rates) as text cells, shared by its Markdown and HTML versions.</summary>
internal static class RehearsalTrafficTables
{
    public static readonly IReadOnlyList<ReportColumn> ReplayColumns =
    [
        new("statement"), new("recorded /s", Numeric: true), new("target /s", Numeric: true), new("achieved /s", Numeric: true),
        new("calls", Numeric: true), new("errors", Numeric: true), new("unbound parameters", Numeric: true),
    ];

    public static readonly IReadOnlyList<ReportColumn> PlanColumns = [new("statement"), new("plan"), new("what differs")];

    /// <summary>The figure in one sentence, or null when the profile recorded no statement mix.</summary>
    public static string? Fidelity(RehearsalReport report) => report.Fidelity is not { } fidelity
            ? report.StatementMixMissing is { } why ? $"Planner fidelity not measured and no statements replayed: the profile has no statement mix ({why})." : null
        : fidelity.Ratio is not { } ratio ? "Planner fidelity: no recorded statement had a plan to compare."
        : string.Create(CultureInfo.InvariantCulture,
            $"Planner fidelity: {fidelity.Same} of {fidelity.Compared} recorded statements plan alike on the synthetic data ({ratio:P1}; minimum {fidelity.Minimum:P0}: {(fidelity.Met ? "met" : "NOT met")}).");

    public static IEnumerable<IReadOnlyList<string>> ReplayRows(RehearsalReport report) => report.Replay.Select(r => (IReadOnlyList<string>)
    [
        Short(r.Query), Number(r.RecordedPerSecond), Number(r.TargetPerSecond), Number(r.AchievedPerSecond),
        r.Calls.ToString(CultureInfo.InvariantCulture), r.Errors.ToString(CultureInfo.InvariantCulture), r.Unbound.ToString(CultureInfo.InvariantCulture),
    ]);

    public static IEnumerable<IReadOnlyList<string>> PlanRows(RehearsalReport report) =>
        (report.Fidelity?.Statements ?? []).Select(s => (IReadOnlyList<string>)[Short(s.Query), s.Same ? "alike" : "differs", s.Why ?? "-"]);

    private static string Number(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    private static string Short(string query)
    {
        var line = string.Join(' ', query.Split((char[])['\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries)).Trim();
        return line.Length <= 90 ? line : line[..87] + "...";
    }
}
