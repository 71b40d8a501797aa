using System.Globalization;
using Sluice.Reports;

namespace Sluice.Drills;

/// <summary>Drill results as report rows, newest first: the Runbook and the release history show the same table.</summary>
public static class DrillRows
{
    public static IReadOnlyList<ReportColumn> Columns { get; } =
        [new("when (UTC)"), new("scenario"), new("outcome"), new("time to restore", Numeric: true), new("rows lost", Numeric: true), new("copied from")];

    public static IEnumerable<IReadOnlyList<string>> Of(IEnumerable<DrillResult> drills) =>
        drills.OrderByDescending(d => d.StartedAt).Select(d => (IReadOnlyList<string>)
        [
            d.StartedAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture), d.Scenario, Runbook.Word(d.Outcome),
            d.TimeToRestore is { } ttr ? string.Create(CultureInfo.InvariantCulture, $"{ttr.TotalSeconds:F1} s") : "-",
            d.RowsLost.ToString("N0", CultureInfo.InvariantCulture), d.Source,
        ]);
}
