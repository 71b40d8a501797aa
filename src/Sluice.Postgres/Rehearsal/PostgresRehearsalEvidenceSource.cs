using Npgsql;
using Sluice.Gates;

namespace Sluice.Postgres.Rehearsal;

/// <summary>The rehearsal gate's source: the latest passing rehearsal of a plan hash for an environment, from
/// <c>sluice.rehearsal_evidence</c> in that environment's database (none when no rehearsal was ever recorded).</summary>
public sealed class PostgresRehearsalEvidenceSource(NpgsqlDataSource dataSource) : IRehearsalEvidenceSource
{
    public async Task<DateTimeOffset?> LatestRehearsalAsync(string environment, string planHash, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var exists = new NpgsqlCommand("SELECT to_regclass('sluice.rehearsal_evidence') IS NOT NULL", connection))
            if (await exists.ExecuteScalarAsync(cancellationToken) is not true) return null;
        await using var command = new NpgsqlCommand(
            "SELECT max(rehearsed_at) FROM sluice.rehearsal_evidence WHERE environment = $1 AND plan_hash = $2 AND passed", connection);
        command.Parameters.Add(new() { Value = environment });
        command.Parameters.Add(new() { Value = planHash });
        return await command.ExecuteScalarAsync(cancellationToken) is DateTime at ? new DateTimeOffset(at, TimeSpan.Zero) : null;
    }
}
