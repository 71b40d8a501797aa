namespace Sluice.Postgres.Releases;

/// <summary>
/// The release tables beside the migration journal in schema <c>sluice</c>. Created with IF NOT EXISTS under an
/// advisory lock rather than as journal upgrade steps, so they evolve with the release code; a change to them is a new
/// statement appended here, never an edit.
/// </summary>
internal static class ReleaseTables
{
    /// <summary>Serialises creation between runners starting at the same moment.</summary>
    public const long CreateLockKey = 0x51_75_69_63_65_52_45_4C; // "SluiceREL"

    public const string Create = """
        CREATE TABLE IF NOT EXISTS sluice.rollbacks (
            id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            at              timestamptz NOT NULL,
            environment     text NOT NULL,
            plan_id         text,
            trigger         text NOT NULL CHECK (trigger IN ('manual', 'automatic')),
            outcome         text NOT NULL CHECK (outcome IN ('succeeded', 'nothing_to_roll_back', 'needs_snapshot_restore', 'failed')),
            phases_reverted int NOT NULL,
            duration_ms     bigint NOT NULL,
            detail          text NOT NULL,
            run_by          text NOT NULL
        );
        CREATE TABLE IF NOT EXISTS sluice.gate_decisions (
            id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            at          timestamptz NOT NULL DEFAULT clock_timestamp(),
            environment text NOT NULL,
            gate        text NOT NULL,
            verdict     text NOT NULL CHECK (verdict IN ('pass', 'warn', 'fail')),
            evidence    text NOT NULL,
            remedy      text,
            run_by      text NOT NULL
        );
        CREATE TABLE IF NOT EXISTS sluice.approvals (
            environment text NOT NULL,
            plan_id     text NOT NULL,
            plan_hash   text NOT NULL,
            approved_by text NOT NULL,
            at          timestamptz NOT NULL,
            PRIMARY KEY (environment, plan_id, plan_hash, approved_by)
        );
        CREATE TABLE IF NOT EXISTS sluice.schema_expectations (
            id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            at            timestamptz NOT NULL DEFAULT clock_timestamp(),
            environment   text NOT NULL,
            schema_hash   text NOT NULL,
            objects       jsonb NOT NULL,
            last_event_id bigint NOT NULL,
            reason        text NOT NULL
        );
        """;
}
