using Sluice.Errors;
using Sluice.Lint;
using Sluice.Rehearsal.Profiles;
using Sluice.Rehearsal.Runs;

namespace Sluice.Tests.Lint;

/// <summary>One row per row of <see cref="LockJudgement"/>.</summary>
public sealed class LockJudgementTests
{
    private static DataProfile Profile(long rows, double perSecond) =>
        new(DataProfile.CurrentVersion, "staging", DateTimeOffset.UnixEpoch, [new TableProfile("public", "t", rows, [], ["id"], [], [], [], new TableActivity(perSecond, 0))]);

    [Theory]
    [InlineData("L1", "AccessExclusiveLock", 5000, true, true, 2_000_000L, null, null)]
    [InlineData("L2", "ShareUpdateExclusiveLock", 5000, false, true, 2_000_000L, null, null)]
    [InlineData("L2", "RowExclusiveLock", 5000, false, false, 2_000_000L, null, null)]
    [InlineData("L3", "AccessExclusiveLock", 5000, false, true, 0L, FindingSeverity.Info, ErrorCodes.LintLockBlocksAll)]
    [InlineData("L4", "AccessExclusiveLock", 1500, false, false, 10L, FindingSeverity.Error, ErrorCodes.LintLockBlocksAll)]
    [InlineData("L4", "ShareRowExclusiveLock", 1500, false, false, 10L, FindingSeverity.Error, ErrorCodes.LintLockBlocksWriters)]
    [InlineData("L5", "ShareLock", 20, false, true, 10L, FindingSeverity.Error, ErrorCodes.LintLockBlocksWriters)]
    [InlineData("L6", "AccessExclusiveLock", 20, false, false, 2_000_000L, FindingSeverity.Info, ErrorCodes.LintLockBlocksAll)]
    public void Each_row(string row, string mode, int heldMs, bool created, bool dataWork, long rows, FindingSeverity? severity, string? code)
    {
        var verdict = LockJudgement.Judge(new LockObservation("public.t", mode, TimeSpan.FromMilliseconds(heldMs), created, dataWork), null, Profile(rows, 0), LintSettings.Default);
        Assert.Equal((row, severity, code), (verdict.Row, verdict.Severity, verdict.Code));
        Assert.Equal(severity != FindingSeverity.Error, verdict.Acceptable);
    }

    [Fact]
    public void A_lock_of_a_statement_a_static_rule_names_carries_that_rules_code_and_the_limit_comes_from_sluice_yaml()
    {
        var lockSeen = new LockObservation("public.t", "AccessExclusiveLock", TimeSpan.FromMilliseconds(300), false, false);
        var strict = LintSettings.Default with { MaxLockHold = TimeSpan.FromMilliseconds(100) };
        Assert.Equal(("L6", FindingSeverity.Info), (LockJudgement.Judge(lockSeen, ErrorCodes.LintDropNotNull, Profile(10, 0), LintSettings.Default) is var v ? (v.Row, v.Severity) : default));
        var over = LockJudgement.Judge(lockSeen, ErrorCodes.LintIndexDropBlocks, Profile(10, 0), strict);
        Assert.Equal(("L4", ErrorCodes.LintIndexDropBlocks), (over.Row, over.Code));
    }

    [Fact]
    public void The_strongest_mode_of_a_table_is_judged()
    {
        Assert.Equal("AccessExclusiveLock", LockJudgement.Strongest(["ShareLock", "AccessExclusiveLock", "AccessShareLock"]));
        Assert.Equal("ShareLock", LockJudgement.Strongest(["RowExclusiveLock", "ShareLock"]));
    }
}
