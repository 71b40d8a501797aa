using Sluice.Migrations.Hooks;

namespace Sluice.Tests.Hooks;

/// <summary>The rule table of <see cref="HookLedger"/>, row by row, and how rounds open and close.</summary>
public sealed class HookLedgerRulesTests
{
    private static readonly HookAction Call = new CommandHookAction(["true"], "/", TimeSpan.FromSeconds(1), 1, TimeSpan.Zero);
    private static readonly PhaseHook WithRevert = new("flush", Call, Call, null, 1);
    private static readonly PhaseHook WithoutRevert = new("flush", Call, null, "refills itself", 1);

    private static HookRunRecord Run(HookDirection direction, HookOutcome outcome, int round = 1, string hook = "flush") =>
        new("p", "switch", hook, direction, round, outcome, 1, "k", "");

    [Fact]
    public void Row_1_a_hook_that_succeeded_in_this_round_is_not_called_again()
    {
        var ledger = new HookLedger([Run(HookDirection.After, HookOutcome.Failed), Run(HookDirection.After, HookOutcome.Succeeded)]);

        Assert.Equal(HookDecision.Skip, ledger.Forward(WithRevert, HookDirection.After));
        // The same name on the other side is another hook run.
        Assert.Equal(HookDecision.Run, ledger.Forward(WithRevert, HookDirection.Before));
    }

    [Fact]
    public void Row_2_a_hook_that_never_ran_or_only_failed_runs_with_the_same_key()
    {
        Assert.Equal(HookDecision.Run, new HookLedger([]).Forward(WithRevert, HookDirection.After));
        var failed = new HookLedger([Run(HookDirection.After, HookOutcome.Failed)]);
        Assert.Equal(HookDecision.Run, failed.Forward(WithRevert, HookDirection.After));
        Assert.Equal(new HookLedger([]).Key("local", "p", "switch", WithRevert, HookDirection.After), failed.Key("local", "p", "switch", WithRevert, HookDirection.After));
        Assert.Equal("sluice.local.p.switch.flush.after.1", failed.Key("local", "p", "switch", WithRevert, HookDirection.After));
    }

    [Fact]
    public void Row_3_a_hook_already_undone_is_not_reverted_again()
    {
        // Two hooks, one undone: the round stays open, and the undone one is left alone.
        var ledger = new HookLedger([Run(HookDirection.After, HookOutcome.Succeeded), Run(HookDirection.Revert, HookOutcome.Succeeded),
            Run(HookDirection.After, HookOutcome.Succeeded, hook: "other")]);

        Assert.Equal(1, ledger.Round);
        Assert.Equal(HookDecision.Skip, ledger.Revert(WithRevert));
    }

    [Fact]
    public void Row_4_a_hook_that_never_succeeded_has_nothing_to_revert()
    {
        Assert.Equal(HookDecision.Skip, new HookLedger([Run(HookDirection.Before, HookOutcome.Failed)]).Revert(WithRevert));
        Assert.Equal(HookDecision.Skip, new HookLedger([]).Revert(WithRevert));
    }

    [Fact]
    public void Row_5_a_hook_that_succeeded_is_reverted_by_its_revert()
    {
        var ledger = new HookLedger([Run(HookDirection.Before, HookOutcome.Succeeded), Run(HookDirection.Revert, HookOutcome.Failed)]);

        Assert.Equal(HookDecision.Run, ledger.Revert(WithRevert));
        Assert.True(ledger.Outstanding(new PhaseHooks([WithRevert], [])));
    }

    [Fact]
    public void Row_6_a_hook_without_a_revert_is_journaled_as_undone_by_nothing()
    {
        Assert.Equal(HookDecision.RecordNone, new HookLedger([Run(HookDirection.After, HookOutcome.Succeeded)]).Revert(WithoutRevert));
    }

    [Fact]
    public void A_round_closes_once_every_hook_that_succeeded_is_undone_and_the_next_apply_calls_them_again()
    {
        var closed = new HookLedger([Run(HookDirection.After, HookOutcome.Succeeded), Run(HookDirection.Revert, HookOutcome.None)]);

        Assert.Equal(2, closed.Round);
        Assert.Equal(HookDecision.Run, closed.Forward(WithRevert, HookDirection.After));
        Assert.Equal("sluice.local.p.switch.flush.after.2", closed.Key("local", "p", "switch", WithRevert, HookDirection.After));
        Assert.False(closed.Outstanding(new PhaseHooks([], [WithRevert])));
        // A round whose only runs failed has nothing to undo and stays open: the retry keeps its key.
        Assert.Equal(1, new HookLedger([Run(HookDirection.After, HookOutcome.Failed)]).Round);
    }
}
