namespace Sluice.Migrations.Plans;

/// <summary>An expand, switch or contract phase: its <paramref name="Up"/> runs once, its <c>down</c> (or nothing, when
/// irreversible) undoes it.</summary>
/// <param name="Up">The forward SQL.</param>
/// <param name="Flag">The feature flag a switch phase turns on (and its down turns off); null on every other kind.</param>
public sealed record ScriptPhase(
    string Name,
    PhaseKind Kind,
    PlanScript Up,
    PlanScript? Down,
    bool Irreversible,
    PlanScript? Verify,
    TimeSpan LockTimeout,
    TimeSpan? StatementTimeout,
    int Retries,
    bool Transactional,
    string? Flag,
    int Line,
    bool ClusterStatements = false)
    : MigrationPhase(Name, Valid(Kind, Flag), Down, Irreversible, Verify, LockTimeout, StatementTimeout, Retries, Transactional, Line, ClusterStatements)
{
    private static PhaseKind Valid(PhaseKind kind, string? flag) =>
        kind == PhaseKind.Backfill ? throw new ArgumentException("a backfill is a BackfillPhase", nameof(kind))
        : flag is not null && kind != PhaseKind.Switch ? throw new ArgumentException($"only a switch phase has a flag, not a {kind} phase", nameof(flag))
        : kind;
}
