using Sluice.Migrations.Journal;
using Sluice.Migrations.Plans;
using Sluice.Migrations.Running;

namespace Sluice.Tests;

/// <summary>One test per row of the phase-state table on <see cref="MigrationRunner"/>; the method name starts with the row id.</summary>
public sealed class PhaseStateRulesTests
{
    private static PlanScript Script(string name) => new(name, $"/plans/p1/{name}", "SELECT true;");

    private static ScriptPhase Expand(bool transactional = true, bool irreversible = false) =>
        new("add", PhaseKind.Expand, Script("add.up.sql"), irreversible ? null : Script("add.down.sql"), irreversible, null,
            MigrationPhase.DefaultLockTimeout, null, MigrationPhase.DefaultRetries, transactional, null, 3);

    private static ScriptPhase Switch() =>
        new("read", PhaseKind.Switch, Script("read.up.sql"), Script("read.down.sql"), false, null,
            MigrationPhase.DefaultLockTimeout, null, MigrationPhase.DefaultRetries, true, "customers.read_new", 9);

    private static BackfillPhase Backfill() =>
        new("fill", new BackfillSpec("customers", "id", Script("fill.batch.sql"), TimeSpan.FromMilliseconds(200), 1000, 100, 20000,
            TimeSpan.FromSeconds(5), 10, TimeSpan.FromSeconds(1), TimeSpan.Zero), null, false, null,
            MigrationPhase.DefaultLockTimeout, null, MigrationPhase.DefaultRetries, 6);

    private static MigrationPhase[] EveryShape => [Expand(), Expand(transactional: false), Expand(irreversible: true), Switch(), Backfill()];

    private static void Rule(int row, PhaseStep step, PhaseAction action, JournalStatus status, MigrationPhase phase, bool latestDone = false) =>
        Assert.Equal(new PhaseDecision(row, step), PhaseStateRules.Decide(action, status, phase, latestDone));

    [Fact]
    public void R1_a_pending_phase_is_applied()
    {
        foreach (var phase in EveryShape) Rule(1, PhaseStep.Apply, PhaseAction.Apply, JournalStatus.Pending, phase);
    }

    [Fact]
    public void R2_a_started_phase_is_resumed_whatever_its_shape()
    {
        foreach (var phase in EveryShape) Rule(2, PhaseStep.Resume, PhaseAction.Apply, JournalStatus.Started, phase);
    }

    [Fact]
    public void R3_a_failed_phase_runs_again()
    {
        foreach (var phase in EveryShape) Rule(3, PhaseStep.ReRun, PhaseAction.Apply, JournalStatus.Failed, phase);
    }

    [Fact]
    public void R4_a_reverted_phase_runs_again()
    {
        foreach (var phase in EveryShape) Rule(4, PhaseStep.ReRun, PhaseAction.Apply, JournalStatus.Reverted, phase);
    }

    [Fact]
    public void R5_the_latest_done_phase_is_verified_again_then_skipped()
    {
        foreach (var phase in EveryShape) Rule(5, PhaseStep.VerifyAndSkip, PhaseAction.Apply, JournalStatus.Done, phase, latestDone: true);
    }

    [Fact]
    public void R6_an_earlier_done_phase_is_skipped_unverified()
    {
        foreach (var phase in EveryShape) Rule(6, PhaseStep.Skip, PhaseAction.Apply, JournalStatus.Done, phase, latestDone: false);
    }

    [Fact]
    public void R7_a_rollback_leaves_a_pending_phase_alone_even_an_irreversible_one()
    {
        foreach (var phase in EveryShape) Rule(7, PhaseStep.Leave, PhaseAction.Revert, JournalStatus.Pending, phase);
    }

    [Fact]
    public void R8_a_rollback_leaves_a_reverted_phase_alone_even_an_irreversible_one()
    {
        foreach (var phase in EveryShape) Rule(8, PhaseStep.Leave, PhaseAction.Revert, JournalStatus.Reverted, phase);
    }

    [Theory]
    [InlineData(JournalStatus.Done)]
    [InlineData(JournalStatus.Started)]
    [InlineData(JournalStatus.Failed)]
    public void R9_a_rollback_refuses_an_irreversible_phase_it_would_touch(JournalStatus status) =>
        Rule(9, PhaseStep.Refuse, PhaseAction.Revert, status, Expand(irreversible: true));

    [Fact]
    public void R10_a_done_phase_is_reverted_by_its_down()
    {
        foreach (var phase in new MigrationPhase[] { Expand(), Expand(transactional: false), Switch(), Backfill() })
            Rule(10, PhaseStep.RunDown, PhaseAction.Revert, JournalStatus.Done, phase);
    }

    [Theory]
    [InlineData(JournalStatus.Started)]
    [InlineData(JournalStatus.Failed)]
    public void R11_an_unfinished_backfill_is_reverted_by_resetting_its_checkpoint(JournalStatus status) =>
        Rule(11, PhaseStep.RunDown, PhaseAction.Revert, status, Backfill());

    [Theory]
    [InlineData(JournalStatus.Started)]
    [InlineData(JournalStatus.Failed)]
    public void R12_an_unfinished_non_transactional_phase_runs_its_down_since_part_of_its_up_committed(JournalStatus status) =>
        Rule(12, PhaseStep.RunDown, PhaseAction.Revert, status, Expand(transactional: false));

    [Theory]
    [InlineData(JournalStatus.Started)]
    [InlineData(JournalStatus.Failed)]
    public void R13_an_unfinished_transactional_phase_only_changes_its_journal_row(JournalStatus status)
    {
        Rule(13, PhaseStep.JournalOnly, PhaseAction.Revert, status, Expand());
        Rule(13, PhaseStep.JournalOnly, PhaseAction.Revert, status, Switch());
    }

    [Fact]
    public void Every_state_and_action_has_a_row()
    {
        foreach (var action in Enum.GetValues<PhaseAction>())
        foreach (var status in Enum.GetValues<JournalStatus>())
        foreach (var phase in EveryShape)
            Assert.InRange(PhaseStateRules.Decide(action, status, phase).Row, 1, 13);
    }
}
