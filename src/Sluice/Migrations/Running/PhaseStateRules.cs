using Sluice.Migrations.Journal;
using Sluice.Migrations.Plans;

namespace Sluice.Migrations.Running;

/// <summary>What the runner is asked to do with a plan's phases.</summary>
public enum PhaseAction
{
    /// <summary>Migrate: bring the phase forward.</summary>
    Apply,
    /// <summary>Rollback: take the phase back.</summary>
    Revert,
}

/// <summary>What the runner does with one phase.</summary>
public enum PhaseStep
{
    /// <summary>Run the phase's work for the first time.</summary>
    Apply,
    /// <summary>Run it again after an earlier run that did not finish: a backfill continues from its checkpoint, a
    /// non-transactional phase repeats (it is written to be re-runnable), a transactional one never committed.</summary>
    Resume,
    /// <summary>Run it again after it failed or was reverted.</summary>
    ReRun,
    /// <summary>Already done: run its verify again (it describes the database now), then skip it.</summary>
    VerifyAndSkip,
    /// <summary>Already done and superseded by a later done phase: skip it.</summary>
    Skip,
    /// <summary>Run its down (a switch's flag turns off, a backfill's checkpoint resets).</summary>
    RunDown,
    /// <summary>Its up never committed: only its journal row changes to reverted.</summary>
    JournalOnly,
    /// <summary>Nothing of it is applied: a rollback leaves it alone.</summary>
    Leave,
    /// <summary>Applied and irreversible: the rollback refuses before touching anything.</summary>
    Refuse,
}

/// <summary>One decision, with the row of the table on <see cref="MigrationRunner"/> that made it.</summary>
public sealed record PhaseDecision(int Row, PhaseStep Step);

/// <summary>The phase-state rules: the numbered table in the doc comment of <see cref="MigrationRunner"/>.</summary>
public static class PhaseStateRules
{
    /// <param name="latestDone">True when <paramref name="phase"/> is the last phase of its plan the journal says is done.</param>
    public static PhaseDecision Decide(PhaseAction action, JournalStatus status, MigrationPhase phase, bool latestDone = false) =>
        (action, status) switch
        {
            (PhaseAction.Apply, JournalStatus.Pending) => new(1, PhaseStep.Apply),
            (PhaseAction.Apply, JournalStatus.Started) => new(2, PhaseStep.Resume),
            (PhaseAction.Apply, JournalStatus.Failed) => new(3, PhaseStep.ReRun),
            (PhaseAction.Apply, JournalStatus.Reverted) => new(4, PhaseStep.ReRun),
            (PhaseAction.Apply, JournalStatus.Done) => latestDone ? new(5, PhaseStep.VerifyAndSkip) : new(6, PhaseStep.Skip),
            (PhaseAction.Revert, JournalStatus.Pending) => new(7, PhaseStep.Leave),
            (PhaseAction.Revert, JournalStatus.Reverted) => new(8, PhaseStep.Leave),
            (PhaseAction.Revert, _) when phase.Irreversible => new(9, PhaseStep.Refuse),
            (PhaseAction.Revert, JournalStatus.Done) => new(10, PhaseStep.RunDown),
            (PhaseAction.Revert, _) when phase is BackfillPhase => new(11, PhaseStep.RunDown),
            (PhaseAction.Revert, _) when !phase.Transactional => new(12, PhaseStep.RunDown),
            (PhaseAction.Revert, _) => new(13, PhaseStep.JournalOnly),
            _ => throw new ArgumentOutOfRangeException(nameof(action), $"{action} of a {status} phase"),
        };
}
