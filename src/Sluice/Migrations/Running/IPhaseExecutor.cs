using Sluice.Migrations.Journal;
using Sluice.Migrations.Plans;

namespace Sluice.Migrations.Running;

/// <summary>Applies one script phase, reverts any phase, and checks it.</summary>
public interface IPhaseExecutor
{
    /// <summary>
    /// Runs the phase's <c>up</c> under its lock and statement timeouts. A transactional phase commits its DDL, its
    /// journal row (and a switch phase's flag) in one transaction; a non-transactional one is journaled "started"
    /// before and "done" after. Throws <see cref="LockTimeoutException"/> on a lock timeout, a Failure
    /// <see cref="Errors.SluiceException"/> on any other database error.
    /// </summary>
    Task ApplyAsync(MigrationPlan plan, ScriptPhase phase, int attempt, RunnerIdentity by, CancellationToken cancellationToken);

    /// <summary>
    /// Undoes the phase: runs its <c>down</c> under its timeouts (a switch phase's flag turns off in the same
    /// transaction; a backfill's checkpoint is reset instead) and journals it reverted in the same transaction where
    /// PostgreSQL allows it. <paramref name="runDown"/> is false when <c>up</c> never committed (a failed transactional
    /// phase), so only the journal changes. Throws <see cref="LockTimeoutException"/> on a lock timeout.
    /// </summary>
    Task RevertAsync(MigrationPlan plan, MigrationPhase phase, bool runDown, int attempt, RunnerIdentity by, CancellationToken cancellationToken);

    /// <summary>Runs the phase's <c>verify</c> SQL; true when it returned true. Raising is a false with its message.</summary>
    Task<VerifyResult> VerifyAsync(MigrationPlan plan, MigrationPhase phase, CancellationToken cancellationToken);
}

/// <summary>The outcome of a verify query.</summary>
public sealed record VerifyResult(bool Passed, string Detail);
