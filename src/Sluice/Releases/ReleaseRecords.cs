using Sluice.Gates;

namespace Sluice.Releases;

/// <summary>Why a rollback ran: asked for (<c>./build.sh Rollback</c>) or automatic after a failed Promote.</summary>
public enum RollbackTrigger
{
    Manual,
    Automatic,
}

/// <summary>How a rollback ended: its success rate is reported from these.</summary>
public enum RollbackOutcome
{
    Succeeded,
    NothingToRollBack,
    NeedsSnapshotRestore,
    Failed,
}

/// <summary>One rollback as the journal recorded it.</summary>
public sealed record RollbackRecord(string Environment, string? PlanId, RollbackTrigger Trigger, RollbackOutcome Outcome,
    int PhasesReverted, string Detail, string By, DateTimeOffset At, TimeSpan Duration);

/// <summary>One gate evaluation as the journal recorded it.</summary>
public sealed record GateDecision(string Environment, string Gate, GateVerdict Verdict, string Evidence, string? Remedy, string By, DateTimeOffset At);
