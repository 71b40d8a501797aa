using Npgsql;
using Sluice.Rehearsal.Runs;

namespace Sluice.Postgres.Rehearsal;

/// <summary>
/// Records rehearsal evidence in the target environment's journal (schema <c>sluice</c>), one row per rehearsed
/// plan, so a gate can ask "was this plan hash rehearsed, and did it pass?". The table is created here, idempotently,
/// beside the journal's own tables rather than as one of its upgrade steps.
/// </summary>
public static class PostgresRehearsalEvidence
{
    public static async Task RecordAsync(string connectionString, RehearsalReport report, string reportJson, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using (var create = new NpgsqlCommand("""
            CREATE SCHEMA IF NOT EXISTS sluice;
            CREATE TABLE IF NOT EXISTS sluice.rehearsal_evidence (
                id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                plan_id       text        NOT NULL,
                plan_hash     text        NOT NULL,
                environment   text        NOT NULL,
                passed        boolean     NOT NULL,
                errors        integer     NOT NULL,
                warnings      integer     NOT NULL,
                predicted_ms  bigint      NOT NULL,
                rehearsed_at  timestamptz NOT NULL,
                report        jsonb       NOT NULL
            );
            CREATE INDEX IF NOT EXISTS rehearsal_evidence_plan ON sluice.rehearsal_evidence (plan_id, plan_hash);
            """, connection))
            await create.ExecuteNonQueryAsync(cancellationToken);
        foreach (var plan in report.Plans)
        {
            var findings = report.Findings.Where(f => f.Plan == plan.Id || f.Plan is null).ToList();
            await using var insert = new NpgsqlCommand("""
                INSERT INTO sluice.rehearsal_evidence (plan_id, plan_hash, environment, passed, errors, warnings, predicted_ms, rehearsed_at, report)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb)
                """, connection);
            insert.Parameters.Add(new() { Value = plan.Id });
            insert.Parameters.Add(new() { Value = plan.Hash });
            insert.Parameters.Add(new() { Value = report.Environment });
            insert.Parameters.Add(new() { Value = findings.All(f => f.Severity != FindingSeverity.Error) });
            insert.Parameters.Add(new() { Value = findings.Count(f => f.Severity == FindingSeverity.Error) });
            insert.Parameters.Add(new() { Value = findings.Count(f => f.Severity == FindingSeverity.Warning) });
            insert.Parameters.Add(new() { Value = (long)report.Phases.Where(p => p.Plan == plan.Id).Sum(p => p.PredictedDuration.TotalMilliseconds) });
            insert.Parameters.Add(new() { Value = report.StartedAt });
            insert.Parameters.Add(new() { Value = reportJson });
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}
