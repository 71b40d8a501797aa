using Sluice.Migrations.Plans;

namespace Sluice.Migrations.Running;

/// <summary>Checks a migration run makes around the phases it applies (the service's invariants); a check that fails
/// throws, and the run fails as when a phase fails.</summary>
public interface IPhaseChecks
{
    /// <summary>Before the plan's first change in this run (not when resuming a plan that already changed).</summary>
    Task BeforePlanAsync(MigrationPlan plan, CancellationToken cancellationToken);

    /// <summary>After each phase the run applied and verified.</summary>
    Task AfterPhaseAsync(MigrationPlan plan, MigrationPhase phase, CancellationToken cancellationToken);
}
