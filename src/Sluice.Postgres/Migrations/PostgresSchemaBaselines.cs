using System.Text.Json;
using Npgsql;
using Sluice.Fingerprints;
using Sluice.Migrations.Journal;
using Sluice.Postgres.Fingerprints;

namespace Sluice.Postgres.Migrations;

/// <summary>
/// Schema baselines in the journal (<c>sluice.schema_baselines</c>), read with the fingerprint service's schema reader:
/// the same normalised catalog a snapshot's manifest records, so "restored" means what it means for snapshots.
/// </summary>
public sealed class PostgresSchemaBaselines(NpgsqlDataSource dataSource) : ISchemaBaselines
{
    public async Task RecordAsync(string planId, CancellationToken cancellationToken)
    {
        var schema = await SchemaReader.ReadCurrentAsync(dataSource, cancellationToken);
        await using var command = dataSource.CreateCommand("""
            INSERT INTO sluice.schema_baselines (plan_id, hash, objects) VALUES ($1, $2, $3::jsonb)
            ON CONFLICT (plan_id) DO UPDATE SET taken_at = clock_timestamp(), hash = excluded.hash, objects = excluded.objects
            """);
        command.Parameters.Add(new() { Value = planId });
        command.Parameters.Add(new() { Value = schema.Hash });
        command.Parameters.Add(new() { Value = JsonSerializer.Serialize(schema.Objects) });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<SchemaCheck> CheckAsync(string planId, CancellationToken cancellationToken)
    {
        SchemaFingerprint baseline;
        DateTime takenAt;
        await using (var read = dataSource.CreateCommand("SELECT taken_at, objects::text FROM sluice.schema_baselines WHERE plan_id = $1"))
        {
            read.Parameters.Add(new() { Value = planId });
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
                return new SchemaCheck(null, [], "schema not verified: no fingerprint was taken before the plan ran (it ran under an older Sluice)");
            takenAt = reader.GetDateTime(0);
            baseline = new SchemaFingerprint(JsonSerializer.Deserialize<List<SchemaObject>>(reader.GetString(1))!);
        }
        // Another plan's changes since the baseline (applied, or rolled back when the baseline held them) are not this
        // rollback's to undo: the comparison would blame it.
        if (await OtherPlansSinceAsync(dataSource, planId, takenAt, cancellationToken) is { } plans)
            return new SchemaCheck(null, [], $"schema not verified: plan(s) {plans} changed it after this plan started");
        var now = await SchemaReader.ReadCurrentAsync(dataSource, cancellationToken);
        var changes = SchemaDiff.Compare(baseline, now);
        return changes.Count == 0
            ? new SchemaCheck(true, [], $"schema verified: fingerprint {now.Hash[..12]} matches the one taken before the plan ran")
            : new SchemaCheck(false, changes, $"schema differs from the one taken before the plan ran ({changes.Count} change(s))");
    }

    /// <summary>The other plans (comma-separated) that applied or reverted a phase after <paramref name="since"/>, or null.</summary>
    internal static async Task<string?> OtherPlansSinceAsync(NpgsqlDataSource dataSource, string planId, DateTime since, CancellationToken cancellationToken)
    {
        await using var others = dataSource.CreateCommand("""
            SELECT string_agg(DISTINCT plan_id, ', ' ORDER BY plan_id) FROM sluice.phases
            WHERE plan_id <> $1 AND (started_at > $2 AND status IN ('started', 'done', 'failed') OR finished_at > $2 AND status = 'reverted')
            """);
        others.Parameters.Add(new() { Value = planId });
        others.Parameters.Add(new() { Value = since });
        return await others.ExecuteScalarAsync(cancellationToken) as string;
    }

    public async Task ForgetAsync(string planId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM sluice.schema_baselines WHERE plan_id = $1");
        command.Parameters.Add(new() { Value = planId });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
