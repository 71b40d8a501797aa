using Npgsql;
using Sluice.Gates;

namespace Sluice.Postgres.Releases;

/// <summary>Reads streaming replicas and their replay lag from <c>pg_stat_replication</c> on the primary.</summary>
public sealed class PostgresReplicationLag(NpgsqlDataSource dataSource) : IReplicationLagSource
{
    public async Task<ReplicationState> ReadAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT count(*)::int, max(coalesce(replay_lag, write_lag, interval '0')) FROM pg_stat_replication");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new ReplicationState(reader.GetInt32(0), reader.IsDBNull(1) ? null : reader.GetFieldValue<TimeSpan>(1));
    }
}
