using Npgsql;
using Sluice.Gates;
using Sluice.Migrations.Journal;

namespace Sluice.Postgres.Releases;

/// <summary>Reads other environments' journals (<c>sluice.plans</c>) through their connection strings.</summary>
/// <param name="connectionOf">An environment's connection string, or null when it has none configured here.</param>
public sealed class PostgresPromotionHistory(Func<string, CancellationToken, Task<string?>> connectionOf) : IPromotionHistory
{
    public async Task<IReadOnlyList<PlanRecord>?> ReadPlansAsync(string environment, CancellationToken cancellationToken)
    {
        var connectionString = await connectionOf(environment, cancellationToken);
        if (connectionString is null) return null;
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = "sluice-history", Pooling = false }.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var exists = new NpgsqlCommand("SELECT to_regclass('sluice.plans') IS NOT NULL", connection);
        if (!(bool)(await exists.ExecuteScalarAsync(cancellationToken))!) return [];
        await using var command = new NpgsqlCommand("SELECT plan_id, hash, status, first_seen_at, updated_at FROM sluice.plans ORDER BY plan_id", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var plans = new List<PlanRecord>();
        while (await reader.ReadAsync(cancellationToken))
            plans.Add(new PlanRecord(reader.GetString(0), reader.GetString(1), Enum.Parse<JournalStatus>(reader.GetString(2), ignoreCase: true),
                reader.GetFieldValue<DateTimeOffset>(3), reader.GetFieldValue<DateTimeOffset>(4)));
        return plans;
    }
}
