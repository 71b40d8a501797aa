namespace Sluice.Migrations.Plans;

/// <summary>
/// One step of a plan, re-runnable on its own: a <see cref="ScriptPhase"/> (expand, switch, contract: its own SQL) or a
/// <see cref="BackfillPhase"/> (batches walked over a table). What every phase shares lives here; what one kind has
/// lives on its type, so nothing needs a null check or a branch on <see cref="Kind"/> to find it.
/// </summary>
/// <param name="Name">Unique within the plan.</param>
/// <param name="Kind">What it does to the schema.</param>
/// <param name="Down">The revert SQL; null when <see cref="Irreversible"/> or for a backfill (its columns go with the expand's down).</param>
/// <param name="Irreversible">True when there is no way back but a snapshot.</param>
/// <param name="Verify">SQL returning one boolean (or raising) that says the phase's effect is in place.</param>
/// <param name="LockTimeout">PostgreSQL's <c>lock_timeout</c> for the phase (default 1 s).</param>
/// <param name="StatementTimeout">PostgreSQL's <c>statement_timeout</c>, or null for none.</param>
/// <param name="Retries">How many times a lock timeout is tried in all (default 10).</param>
/// <param name="Transactional">False for statements PostgreSQL refuses in a transaction (CREATE INDEX CONCURRENTLY).</param>
/// <param name="Line">The line of the phase in plan.yaml, for later messages.</param>
/// <param name="ClusterStatements">True when the plan or the phase declares that its SQL acts on the cluster on purpose
/// (<c>cluster_statements: true</c>): databases, roles, tablespaces, ALTER SYSTEM. Such a phase is rehearsed on a throwaway cluster.</param>
public abstract record MigrationPhase(
    string Name,
    PhaseKind Kind,
    PlanScript? Down,
    bool Irreversible,
    PlanScript? Verify,
    TimeSpan LockTimeout,
    TimeSpan? StatementTimeout,
    int Retries,
    bool Transactional,
    int Line,
    bool ClusterStatements)
{
    public static readonly TimeSpan DefaultLockTimeout = TimeSpan.FromSeconds(1);
    public const int DefaultRetries = 10;

    /// <summary>The phase's <c>requires:</c>: other services' phases done before it (<see cref="Requirement"/>).</summary>
    public IReadOnlyList<Requirement> Requires { get; init; } = [];
    /// <summary>The phase's <c>hooks:</c>: calls made before its up and after it (<see cref="Hooks.PhaseHookRunner"/>).</summary>
    public Hooks.PhaseHooks Hooks { get; init; } = Sluice.Migrations.Hooks.PhaseHooks.None;

    /// <summary>Every file the phase names, in a stable order (for the plan hash).</summary>
    public IEnumerable<PlanScript> Scripts()
    {
        if (this is ScriptPhase script) yield return script.Up;
        if (Down is not null) yield return Down;
        if (Verify is not null) yield return Verify;
        if (this is BackfillPhase backfill) yield return backfill.Backfill.Batch;
    }
}
