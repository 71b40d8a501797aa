namespace Sluice.Migrations.Plans;

/// <summary>One step of a plan, re-runnable on its own.</summary>
/// <param name="Name">Unique within the plan.</param>
/// <param name="Kind">What it does to the schema.</param>
/// <param name="Up">The forward SQL; null only for backfill phases, whose work is <see cref="BackfillSpec.Batch"/>.</param>
/// <param name="Down">The revert SQL; null when <see cref="Irreversible"/> or for a backfill (its columns go with the expand's down).</param>
/// <param name="Irreversible">True when there is no way back but a snapshot.</param>
/// <param name="Verify">SQL returning one boolean (or raising) that says the phase's effect is in place.</param>
/// <param name="LockTimeout">PostgreSQL's <c>lock_timeout</c> for the phase (default 1 s).</param>
/// <param name="StatementTimeout">PostgreSQL's <c>statement_timeout</c>, or null for none.</param>
/// <param name="Retries">How many times a lock timeout is tried in all (default 10).</param>
/// <param name="Transactional">False for statements PostgreSQL refuses in a transaction (CREATE INDEX CONCURRENTLY).</param>
/// <param name="Backfill">The batch walk of a backfill phase.</param>
/// <param name="Flag">The feature flag a switch phase turns on (and its down turns off).</param>
/// <param name="Line">The line of the phase in plan.yaml, for later messages.</param>
/// <param name="ClusterStatements">True when the plan or the phase declares that its SQL acts on the cluster on purpose
/// (<c>cluster_statements: true</c>): databases, roles, tablespaces, ALTER SYSTEM. Such a phase is rehearsed on a throwaway cluster.</param>
public sealed record MigrationPhase(
    string Name,
    PhaseKind Kind,
    PlanScript? Up,
    PlanScript? Down,
    bool Irreversible,
    PlanScript? Verify,
    TimeSpan LockTimeout,
    TimeSpan? StatementTimeout,
    int Retries,
    bool Transactional,
    BackfillSpec? Backfill,
    string? Flag,
    int Line,
    bool ClusterStatements = false)
{
    public static readonly TimeSpan DefaultLockTimeout = TimeSpan.FromSeconds(1);
    public const int DefaultRetries = 10;

    /// <summary>Every file the phase names, in a stable order (for the plan hash).</summary>
    public IEnumerable<PlanScript> Scripts()
    {
        if (Up is not null) yield return Up;
        if (Down is not null) yield return Down;
        if (Verify is not null) yield return Verify;
        if (Backfill is not null) yield return Backfill.Batch;
    }
}
