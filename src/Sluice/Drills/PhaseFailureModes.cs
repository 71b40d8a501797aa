using Sluice.Migrations.Plans;

namespace Sluice.Drills;

/// <summary>
/// How a phase can fail, what state that leaves and the way back, by its kind; what the Runbook writes for each phase.
/// First matching row wins:
/// <list type="number">
/// <item>any phase, its SQL fails or times out on a lock (transactional): the transaction rolls back, the phase is
/// <c>failed</c> and unchanged, earlier phases stay; run again once the cause is gone, or Rollback. Drill: <c>failed-contract</c> for a contract.</item>
/// <item>a non-transactional phase (<c>CREATE INDEX CONCURRENTLY</c>) interrupted: it stays <c>started</c>, an INVALID
/// index may be left; Migrate drops and rebuilds it, or Rollback runs its down.</item>
/// <item>a backfill, the runner killed: the phase stays <c>started</c> at its last committed checkpoint; Migrate continues
/// from there, or Rollback resets it. Drills: <c>killed-backfill</c>, <c>killed-backfill-rollback</c>.</item>
/// <item>a switch: the flag flips in the phase's own transaction, so a failure leaves it as it was; its down flips it back.</item>
/// <item>an irreversible phase once done: no down; restore the latest verified snapshot. Drill: <c>corrupted-table</c>.</item>
/// <item>any phase, data damaged by hand or by a bad script: restore the latest verified snapshot. Drill: <c>corrupted-table</c>.</item>
/// </list>
/// </summary>
public static class PhaseFailureModes
{
    /// <summary>The failure modes of <paramref name="phase"/>, each with the state it leaves, its revert path and the
    /// drill that measures that path (null where none does).</summary>
    public static IReadOnlyList<FailureMode> Of(MigrationPhase phase)
    {
        var modes = new List<FailureMode>();
        if (phase.Transactional)
            modes.Add(new("its SQL fails or a lock wait times out", $"transaction rolled back: {phase.Name} failed and unchanged, the phases before it applied",
                "remove the cause and run Migrate again, or Rollback the plan", phase.Kind == PhaseKind.Contract ? "failed-contract" : null));
        else
            modes.Add(new("interrupted part way (it runs outside a transaction)", $"{phase.Name} started; an INVALID index or a half-made object may be left",
                "Migrate again (drops and rebuilds it), or Rollback (runs its down)", null));
        if (phase.Kind == PhaseKind.Backfill)
        {
            modes.Add(new("the runner is killed mid-backfill", $"{phase.Name} started at its last committed checkpoint; rows before it moved, rows after it not yet",
                "Migrate again: continues from the checkpoint", "killed-backfill"));
            modes.Add(new("the backfill must not finish (it harms the service)", $"{phase.Name} started at its last committed checkpoint",
                "Rollback: the applied phases' down scripts, latest first; the checkpoint is reset", "killed-backfill-rollback"));
        }
        if (phase is ScriptPhase { Flag: { } flag })
            modes.Add(new("the new read path misbehaves after the flip", $"flag {flag} on",
                "Rollback: its down turns the flag off in the same transaction", null));
        if (phase.Irreversible)
            modes.Add(new("a problem found after it is done", $"{phase.Name} done with no down script",
                "restore the latest verified snapshot (RestoreSnapshot --snapshot ID); what was written after it is lost", "corrupted-table"));
        modes.Add(new("data damaged (a bad script, a wrong WHERE)", "rows missing or overwritten",
            "restore the latest verified snapshot (RestoreSnapshot --snapshot ID)", "corrupted-table"));
        return modes;
    }
}

/// <summary>One way a phase fails.</summary>
/// <param name="Failure">What goes wrong.</param>
/// <param name="StateAfter">The state it leaves.</param>
/// <param name="Revert">The way back.</param>
/// <param name="Drill">The drill scenario that measures the way back, or null.</param>
public sealed record FailureMode(string Failure, string StateAfter, string Revert, string? Drill);
