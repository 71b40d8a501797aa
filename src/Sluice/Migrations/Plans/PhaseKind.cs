namespace Sluice.Migrations.Plans;

/// <summary>What a phase does to the schema; the order rules (no contract before an expand) depend on it.</summary>
public enum PhaseKind
{
    /// <summary>Additive DDL the old code tolerates: new columns, tables, triggers, indexes.</summary>
    Expand,
    /// <summary>Batched, resumable data movement (see <see cref="BackfillSpec"/>).</summary>
    Backfill,
    /// <summary>Flips a feature flag or a read path; the flag changes in the phase's own transaction.</summary>
    Switch,
    /// <summary>Removes the old shape once nothing reads it.</summary>
    Contract,
}

/// <summary>How much harm a plan can do; gates read it.</summary>
public enum MigrationRisk
{
    Low,
    Medium,
    High,
}
