using Sluice.Rehearsal.Profiles;
using Sluice.Rehearsal.Runs;

namespace Sluice.Lint;

/// <summary>
/// How bad a lock is on this table, from the production profile: what Squawk cannot know statically. First matching
/// row wins; each is tested by <c>tests/Sluice.Tests/Lint/LockWeightTests.cs</c>:
/// <code>
/// #   the table                                                        severity
/// W1  not in the profile (no profile, or a table the profile lacks)    the rule's default
/// W2  no rows and no reads or writes in the profile                    info
/// W3  at least large_table_rows rows, or busy (reads + writes per      error
///     second at least busy_per_second)
/// W4  anything else                                                    warning
/// </code>
/// A table the plan itself created earlier is never weighed: the rules leave it out (nobody reads or writes it yet).
/// </summary>
public static class LockWeight
{
    public static FindingSeverity Of(string table, FindingSeverity fallback, DataProfile? profile, LintSettings settings) =>
        Row(table, profile, settings) switch
        {
            "W1" => fallback,
            "W2" => FindingSeverity.Info,
            "W3" => FindingSeverity.Error,
            _ => FindingSeverity.Warning,
        };

    /// <summary>The row of the table that applies (W1-W4).</summary>
    public static string Row(string table, DataProfile? profile, LintSettings settings)
    {
        var dot = table.IndexOf('.', StringComparison.Ordinal);
        if (profile?.Table(table[..dot], table[(dot + 1)..]) is not { } found) return "W1";
        var perSecond = found.Activity is { } activity ? activity.ReadsPerSecond + activity.WritesPerSecond : 0;
        if (found.RowCount == 0 && perSecond == 0) return "W2";
        if (found.RowCount >= settings.LargeTableRows || perSecond >= settings.BusyPerSecond) return "W3";
        return "W4";
    }

    /// <summary>How the profile describes the table, for messages: <c>2,000,000 rows, 40 writes/s</c>.</summary>
    public static string Describe(string table, DataProfile? profile)
    {
        var dot = table.IndexOf('.', StringComparison.Ordinal);
        if (profile?.Table(table[..dot], table[(dot + 1)..]) is not { } found) return "not in the profile";
        var activity = found.Activity is { } a ? $", {a.ReadsPerSecond:0.#} reads/s and {a.WritesPerSecond:0.#} writes/s" : "";
        return $"{found.RowCount:N0} rows{activity} in the profile";
    }
}
