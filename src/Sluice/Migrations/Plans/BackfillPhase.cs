namespace Sluice.Migrations.Plans;

/// <summary>A backfill: no <c>up</c>; its work is <see cref="BackfillSpec.Batch"/>, walked batch by batch, each batch
/// committing with its checkpoint in one transaction (so a backfill is always transactional).</summary>
/// <param name="Backfill">The batch walk.</param>
public sealed record BackfillPhase(
    string Name,
    BackfillSpec Backfill,
    PlanScript? Down,
    bool Irreversible,
    PlanScript? Verify,
    TimeSpan LockTimeout,
    TimeSpan? StatementTimeout,
    int Retries,
    int Line,
    bool ClusterStatements = false)
    : MigrationPhase(Name, PhaseKind.Backfill, Down, Irreversible, Verify, LockTimeout, StatementTimeout, Retries, Transactional: true, Line, ClusterStatements);
