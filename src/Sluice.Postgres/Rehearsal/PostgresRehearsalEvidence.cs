using Npgsql;
using Sluice.Postgres.Migrations;
using Sluice.Rehearsal.Runs;

namespace Sluice.Postgres.Rehearsal;

/// <summary>
/// Records rehearsal evidence in the target environment's journal (schema <c>sluice</c>), one row per rehearsed
/// plan (and each phase's predicted duration, step 14), so a gate can ask "was this plan hash rehearsed, and did it pass?". The table is journal step 8: recording
/// ensures the journal, as every other writer of schema <c>sluice</c> does.
/// </summary>
public static class PostgresRehearsalEvidence
{
    public static async Task RecordAsync(NpgsqlDataSource dataSource, RehearsalReport report, string reportJson, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await JournalSchema.EnsureAsync(connection, cancellationToken);
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
        await PostgresPhaseDurations.RecordPredictionsAsync(connection, report, cancellationToken);
    }
}
