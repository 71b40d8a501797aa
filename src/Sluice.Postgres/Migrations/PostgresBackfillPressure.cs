using Npgsql;
using Sluice.Migrations.Backfill;

namespace Sluice.Postgres.Migrations;

/// <summary>Replication lag from <c>pg_stat_replication.replay_lag</c> (the worst replica) and the sessions of this
/// database waiting on a lock, from <c>pg_stat_activity</c>.</summary>
public sealed class PostgresBackfillPressure(NpgsqlDataSource dataSource) : IBackfillPressureSource
{
    public async Task<BackfillPressure> ReadAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT (SELECT max(replay_lag) FROM pg_stat_replication),
                   (SELECT count(*) FROM pg_stat_activity
                    WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid())::int
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new BackfillPressure(reader.IsDBNull(0) ? null : reader.GetFieldValue<TimeSpan>(0), reader.GetInt32(1));
    }
}
