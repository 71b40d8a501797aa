using Sluice.Migrations.Plans;

namespace Sluice.Migrations.Running;

/// <summary>
/// Work a run waits on between two phases of a plan, under the same lease: Promote's canary runs here, between the
/// phase the new service version needs and the contract. A barrier that throws a failure stops the run like a failed
/// phase, and Promote rolls the touched plans back.
/// </summary>
public interface IPhaseBarrier
{
    /// <summary>Called before <paramref name="next"/> is applied (not before a phase that is skipped as done), and once
    /// with null after the plan's last phase.</summary>
    Task BeforeAsync(MigrationPlan plan, MigrationPhase? next, CancellationToken cancellationToken);

    /// <summary>Asked first, at the same points: a reason stops the run there on purpose (journaled
    /// <see cref="Journal.JournalEventKind.PausedAtBarrier"/>, the run ends <see cref="MigrationOutcome.Paused"/>, nothing
    /// is rolled back); null goes on to <see cref="BeforeAsync"/>.</summary>
    Task<string?> StopBeforeAsync(MigrationPlan plan, MigrationPhase? next, CancellationToken cancellationToken) => Task.FromResult<string?>(null);

    /// <summary>Told how the rollback after a failure went, so the barrier's own record says it.</summary>
    Task RolledBackAsync(bool succeeded, string detail, CancellationToken cancellationToken);
}
