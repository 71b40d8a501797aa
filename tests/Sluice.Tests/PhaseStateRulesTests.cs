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

    /// <summary>Rows 1 to 8 hang on the journal state alone: every shape of phase (script or backfill, transactional or
    /// not, reversible or not, with a flag or without) gets the same step.</summary>
    [Theory]
    [InlineData(1, PhaseStep.Apply, PhaseAction.Apply, JournalStatus.Pending, false)] // a pending phase is applied
    [InlineData(2, PhaseStep.Resume, PhaseAction.Apply, JournalStatus.Started, false)] // a started one is resumed
    [InlineData(3, PhaseStep.ReRun, PhaseAction.Apply, JournalStatus.Failed, false)] // a failed one runs again
    [InlineData(4, PhaseStep.ReRun, PhaseAction.Apply, JournalStatus.Reverted, false)] // so does a reverted one
    [InlineData(5, PhaseStep.VerifyAndSkip, PhaseAction.Apply, JournalStatus.Done, true)] // the latest done one is verified again, then skipped
    [InlineData(6, PhaseStep.Skip, PhaseAction.Apply, JournalStatus.Done, false)] // an earlier done one is skipped unverified
    [InlineData(7, PhaseStep.Leave, PhaseAction.Revert, JournalStatus.Pending, false)] // a rollback leaves a pending one alone, even an irreversible one
    [InlineData(8, PhaseStep.Leave, PhaseAction.Revert, JournalStatus.Reverted, false)] // and a reverted one
    public void R1_to_R8_the_journal_state_alone_decides(int row, PhaseStep step, PhaseAction action, JournalStatus status, bool latestDone)
    {
        foreach (var phase in EveryShape) Rule(row, step, action, status, phase, latestDone);
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
