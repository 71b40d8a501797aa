namespace Sluice.Drills;

/// <summary>How a drill ended.</summary>
public enum DrillOutcome
{
    /// <summary>Service restored and the data equal to the expected state.</summary>
    Restored,

    /// <summary>Service restored, but rows are missing or changed.</summary>
    DataLost,

    /// <summary>The recovery itself failed, or the service never became healthy.</summary>
    Failed,
}

/// <summary>One drill's evidence.</summary>
/// <param name="Environment">The environment whose copy was drilled.</param>
/// <param name="Scenario">The scenario's name.</param>
/// <param name="StartedAt">When the drill began (copies made).</param>
/// <param name="Outcome">Restored, DataLost or Failed.</param>
/// <param name="TimeToRestore">From the fault until the service was healthy and the data compared (null when it never was).</param>
/// <param name="RowsMissing">Rows of the expected state missing after the recovery.</param>
/// <param name="RowsChanged">Rows present but changed.</param>
/// <param name="RowsExtra">Rows the expected state does not have.</param>
/// <param name="Source">What the copies were made from.</param>
/// <param name="Detail">What was prepared, injected and recovered, and what the service and the comparison said.</param>
/// <param name="By">Who ran it (<c>user@host</c>).</param>
public sealed record DrillResult(string Environment, string Scenario, DateTimeOffset StartedAt, DrillOutcome Outcome, TimeSpan? TimeToRestore,
    long RowsMissing, long RowsChanged, long RowsExtra, string Source, string Detail, string By)
{
    /// <summary>Rows lost: missing or changed (extra rows are reported beside them, not counted as lost).</summary>
    public long RowsLost => RowsMissing + RowsChanged;

    public bool Passed => Outcome == DrillOutcome.Restored;
}
