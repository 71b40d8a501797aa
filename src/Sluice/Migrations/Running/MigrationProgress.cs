using Sluice.Migrations.Backfill;

namespace Sluice.Migrations.Running;

/// <summary>What the runner is doing, reported through <see cref="IProgress{T}"/>.</summary>
public enum MigrationStep
{
    LeaseAcquired,
    PlanStarted,
    PhaseStarted,
    PhaseSkipped,
    Retry,
    PhaseDone,
    Verified,
    Backfill,
    Throttled,
    PlanDone,
    BudgetExhausted,
    PhaseReverted,
    PlanReverted,
    /// <summary>A hook of a phase ran, was skipped as already done, or was reverted.</summary>
    Hook,
    /// <summary>A barrier stopped the run on purpose (<c>Promote --until-canary</c>).</summary>
    Paused,
    /// <summary>A bound of the plan's <c>slo:</c> cannot be enforced in this run (the message says why and what would
    /// let it); said once per run and reason.</summary>
    SloNotEnforced,
}

/// <summary>One report from the runner; <see cref="Backfill"/> is set for backfill batches and throttling.</summary>
public sealed record MigrationProgress(MigrationStep Step, string? PlanId, string? Phase, string Message, BackfillProgress? Backfill = null, int? Attempt = null)
{
    public override string ToString() => PlanId is null ? Message : Phase is null ? $"{PlanId}: {Message}" : $"{PlanId}/{Phase}: {Message}";
}
