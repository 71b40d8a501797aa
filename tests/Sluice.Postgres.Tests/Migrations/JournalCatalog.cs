using Sluice.Testing.Postgres;

namespace Sluice.Postgres.Tests.Migrations;

/// <summary>What schema <c>sluice</c> holds, read from the catalog: equal texts mean the same tables, columns,
/// constraints and indexes, however they were written.</summary>
internal static class JournalCatalog
{
    public static Task<string> ReadAsync(string connectionString, CancellationToken cancellationToken) =>
        TestSql.ScalarAsync<string>(connectionString, """
            SELECT string_agg(line, E'\n' ORDER BY line) FROM (
                SELECT format('column %s.%s #%s %s null=%s default=%s identity=%s', table_name, column_name, ordinal_position,
                              data_type, is_nullable, column_default, identity_generation)
                FROM information_schema.columns WHERE table_schema = 'sluice'
                UNION ALL
                SELECT format('constraint %s %s %s', conrelid::regclass, conname, pg_get_constraintdef(oid))
                FROM pg_constraint WHERE connamespace = 'sluice'::regnamespace
                UNION ALL
                SELECT format('index %s', indexdef) FROM pg_indexes WHERE schemaname = 'sluice'
            ) catalog(line)
            """, cancellationToken);

    public static Task<string> TablesAsync(string connectionString, CancellationToken cancellationToken) =>
        TestSql.ScalarAsync<string>(connectionString,
            "SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'sluice'", cancellationToken);

    public static Task<string> VersionsAsync(string connectionString, CancellationToken cancellationToken) =>
        TestSql.ScalarAsync<string>(connectionString,
            "SELECT string_agg(version::text, ',' ORDER BY version) FROM sluice.schema_version", cancellationToken);

    /// <summary>
    /// A database as a Sluice before journal step 7 left it: the journal at version 6, and beside it the release and
    /// rehearsal-evidence tables that Sluice created with IF NOT EXISTS on every call (its DDL, reformatted), each
    /// holding a row.
    /// </summary>
    public const string BeforeStep7 = """
        CREATE TABLE IF NOT EXISTS sluice.rollbacks (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, at timestamptz NOT NULL,
            environment text NOT NULL, plan_id text, trigger text NOT NULL CHECK (trigger IN ('manual', 'automatic')),
            outcome text NOT NULL CHECK (outcome IN ('succeeded', 'nothing_to_roll_back', 'needs_snapshot_restore', 'failed')),
            phases_reverted int NOT NULL, duration_ms bigint NOT NULL, detail text NOT NULL, run_by text NOT NULL);
        CREATE TABLE IF NOT EXISTS sluice.gate_decisions (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            at timestamptz NOT NULL DEFAULT clock_timestamp(), environment text NOT NULL, gate text NOT NULL,
            verdict text NOT NULL CHECK (verdict IN ('pass', 'warn', 'fail')), evidence text NOT NULL, remedy text, run_by text NOT NULL);
        CREATE TABLE IF NOT EXISTS sluice.approvals (environment text NOT NULL, plan_id text NOT NULL, plan_hash text NOT NULL,
            approved_by text NOT NULL, at timestamptz NOT NULL, PRIMARY KEY (environment, plan_id, plan_hash, approved_by));
        CREATE TABLE IF NOT EXISTS sluice.schema_expectations (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            at timestamptz NOT NULL DEFAULT clock_timestamp(), environment text NOT NULL, schema_hash text NOT NULL,
            objects jsonb NOT NULL, last_event_id bigint NOT NULL, reason text NOT NULL);
        CREATE TABLE IF NOT EXISTS sluice.rehearsal_evidence (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            plan_id text NOT NULL, plan_hash text NOT NULL, environment text NOT NULL, passed boolean NOT NULL,
            errors integer NOT NULL, warnings integer NOT NULL, predicted_ms bigint NOT NULL, rehearsed_at timestamptz NOT NULL,
            report jsonb NOT NULL);
        CREATE INDEX IF NOT EXISTS rehearsal_evidence_plan ON sluice.rehearsal_evidence (plan_id, plan_hash);
        INSERT INTO sluice.rollbacks (at, environment, plan_id, trigger, outcome, phases_reverted, duration_ms, detail, run_by)
            VALUES (now(), 'staging', '0001_x', 'manual', 'succeeded', 1, 5, 'reverted', 'ada');
        INSERT INTO sluice.approvals VALUES ('staging', '0001_x', 'abc', 'ada', now());
        INSERT INTO sluice.rehearsal_evidence (plan_id, plan_hash, environment, passed, errors, warnings, predicted_ms, rehearsed_at, report)
            VALUES ('0001_x', 'abc', 'staging', true, 0, 0, 10, now(), '{}');
        """;
}
