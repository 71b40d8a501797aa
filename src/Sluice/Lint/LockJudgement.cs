using Sluice.Errors;
using Sluice.Rehearsal.Profiles;
using Sluice.Rehearsal.Runs;

namespace Sluice.Lint;

/// <summary>A lock the rehearsal saw a statement take.</summary>
/// <param name="Table">The table (<c>schema.table</c>).</param>
/// <param name="Mode">PostgreSQL's name of the mode (<c>AccessExclusiveLock</c>, <c>ShareLock</c>, ...).</param>
/// <param name="PredictedHold">How long it was held, extrapolated to production size.</param>
/// <param name="CreatedInPhase">True when the phase (or the plan before it) created the table.</param>
/// <param name="DataWork">True when the statement works through the rows under the lock (an index build, a scan, a
/// rewrite: a static lock rule names it, or the mode is ShareLock), so its hold grows with the table.</param>
public sealed record LockObservation(string Table, string Mode, TimeSpan PredictedHold, bool CreatedInPhase, bool DataWork);

/// <summary>What a lock is judged: the row that decided, the severity (null: acceptable, nothing to report), the rule.</summary>
public sealed record LockVerdict(string Row, FindingSeverity? Severity, string? Rule, string? Code, string Blocks)
{
    /// <summary>Acceptable: the phase may pass with it.</summary>
    public bool Acceptable => Severity != FindingSeverity.Error;
}

/// <summary>
/// Judges every lock the rehearsal observes by its mode, what it blocks and its hold at production size, against the
/// service's <c>max_lock_hold</c> (sluice.yaml) and the profile. A phase passes only when each of its locks is
/// acceptable. First matching row wins; each is tested by <c>tests/Sluice.Tests/Lint/LockJudgementTests.cs</c>:
/// <code>
/// #   the lock                                                                   verdict
/// L1  on a table the phase (or the plan before it) created                       acceptable, no finding
/// L2  a mode that blocks neither reads nor writes of the application             acceptable, no finding
///     (AccessShare, RowShare, RowExclusive, ShareUpdateExclusive)
/// L3  blocks writes or both, on a table the profile shows empty and idle         acceptable, info
/// L4  blocks writes or both, held past max_lock_hold at production size          error
/// L5  blocks writes or both while the statement works through the rows           error (the hold grows with the table)
/// L6  anything else: a catalog change under a short strong lock                  acceptable, info
/// </code>
/// A finding carries the code of the static rule that names the statement when there is one, else SLU232 (blocks
/// writers: Share, ShareRowExclusive, Exclusive) or SLU233 (blocks reads and writes: AccessExclusive).
/// </summary>
public static class LockJudgement
{
    private static readonly HashSet<string> Weak = ["AccessShareLock", "RowShareLock", "RowExclusiveLock", "ShareUpdateExclusiveLock"];

    public static LockVerdict Judge(LockObservation lockSeen, string? staticCode, DataProfile? profile, LintSettings settings)
    {
        var all = lockSeen.Mode == "AccessExclusiveLock";
        var blocks = all ? "reads and writes" : Weak.Contains(lockSeen.Mode) ? "nothing" : "writes";
        var rule = all ? LintRules.ByCode(ErrorCodes.LintLockBlocksAll) : LintRules.ByCode(ErrorCodes.LintLockBlocksWriters);
        var code = staticCode ?? rule.Code;
        if (lockSeen.CreatedInPhase) return new("L1", null, null, null, blocks);
        if (Weak.Contains(lockSeen.Mode)) return new("L2", null, null, null, blocks);
        if (LockWeight.Row(lockSeen.Table, profile, settings) == "W2") return new("L3", FindingSeverity.Info, rule.Name, code, blocks);
        if (lockSeen.PredictedHold > settings.MaxLockHold) return new("L4", FindingSeverity.Error, rule.Name, code, blocks);
        if (lockSeen.DataWork) return new("L5", FindingSeverity.Error, rule.Name, code, blocks);
        return new("L6", FindingSeverity.Info, rule.Name, code, blocks);
    }

    /// <summary>The strongest of a table's modes (a statement may hold several on one table).</summary>
    public static string Strongest(IEnumerable<string> modes) =>
        modes.OrderByDescending(m => Array.IndexOf(Order, m)).First();

    private static readonly string[] Order =
        ["AccessShareLock", "RowShareLock", "RowExclusiveLock", "ShareUpdateExclusiveLock", "ShareLock", "ShareRowExclusiveLock", "ExclusiveLock", "AccessExclusiveLock"];
}
