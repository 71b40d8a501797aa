using Npgsql;
using Sluice.Migrations.Journal;
using Sluice.Migrations.Plans;
using Sluice.Rehearsal.Runs;

namespace Sluice.Postgres.Migrations;

/// <summary>Journal step 14 (<c>sluice.phase_durations</c>): the rehearsal writes predictions, Promote the actuals.</summary>
internal sealed class PostgresPhaseDurations(NpgsqlDataSource dataSource) : IPhaseDurations
{
    /// <summary>The rehearsal's predictions for each rehearsed plan hash; a later rehearsal of the same hash replaces them.</summary>
    public static async Task RecordPredictionsAsync(NpgsqlConnection connection, RehearsalReport report, CancellationToken cancellationToken)
    {
        foreach (var plan in report.Plans)
            foreach (var phase in report.Phases.Where(p => p.Plan == plan.Id))
            {
                await using var upsert = new NpgsqlCommand("""
                    INSERT INTO sluice.phase_durations (plan_id, plan_hash, phase, predicted_ms, basis, rehearsed_at) VALUES ($1, $2, $3, $4, $5, $6)
                    ON CONFLICT (plan_id, plan_hash, phase) DO UPDATE SET predicted_ms = excluded.predicted_ms, basis = excluded.basis, rehearsed_at = excluded.rehearsed_at
                    """, connection);
                upsert.Parameters.Add(new() { Value = plan.Id });
                upsert.Parameters.Add(new() { Value = plan.Hash });
                upsert.Parameters.Add(new() { Value = phase.Phase });
                upsert.Parameters.Add(new() { Value = (long)Math.Round(phase.PredictedDuration.TotalMilliseconds) });
                upsert.Parameters.Add(new() { Value = string.Join("; ", phase.PredictionBasis) });
                upsert.Parameters.Add(new() { Value = report.StartedAt });
                await upsert.ExecuteNonQueryAsync(cancellationToken);
            }
    }

    public async Task RecordActualAsync(MigrationPlan plan, MigrationPhase phase, TimeSpan actual, bool resumed, CancellationToken cancellationToken)
    {
        await JournalSchema.EnsureAsync(dataSource, cancellationToken);
        await using var upsert = dataSource.CreateCommand("""
            INSERT INTO sluice.phase_durations (plan_id, plan_hash, phase, actual_ms, resumed, ran_at) VALUES ($1, $2, $3, $4, $5, clock_timestamp())
            ON CONFLICT (plan_id, plan_hash, phase) DO UPDATE SET actual_ms = excluded.actual_ms, resumed = excluded.resumed, ran_at = excluded.ran_at
            """);
        upsert.Parameters.Add(new() { Value = plan.Id });
        upsert.Parameters.Add(new() { Value = plan.Hash });
        upsert.Parameters.Add(new() { Value = phase.Name });
        upsert.Parameters.Add(new() { Value = (long)Math.Round(actual.TotalMilliseconds) });
        upsert.Parameters.Add(new() { Value = resumed });
        await upsert.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<PhaseDuration>> ReadAllAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT plan_id, plan_hash, phase, predicted_ms, basis, actual_ms, resumed, ran_at FROM sluice.phase_durations
            ORDER BY plan_id, rehearsed_at DESC NULLS LAST, ran_at DESC NULLS LAST, phase
            """);
        var result = new List<PhaseDuration>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            result.Add(new PhaseDuration(reader.GetString(0), reader.GetString(1), reader.GetString(2),
                reader.IsDBNull(3) ? null : TimeSpan.FromMilliseconds(reader.GetInt64(3)), reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.IsDBNull(5) ? null : TimeSpan.FromMilliseconds(reader.GetInt64(5)), reader.GetBoolean(6),
                reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7)));
        return result;
    }
}
