using Npgsql;
using Sluice.Environments;
using Sluice.Errors;
using Sluice.Postgres.Migrations;

namespace Sluice.Postgres.Environments;

/// <summary>
/// The train lease: a session-level advisory lock in the server's maintenance database (<c>postgres</c>), where the
/// services' own lease locks live too, keyed by the environment alone, since a train spans every service's database.
/// Its unpooled session carries the holder in <c>application_name</c>, so a second train names who has it.
/// </summary>
internal static class PostgresTrainLease
{
    public static async Task<IAsyncDisposable> AcquireAsync(string connectionString, EnvironmentSessionRequest request, CancellationToken cancellationToken)
    {
        var name = $"sluice.train:{request.Environment}";
        var holder = $"sluice-train {request.By}";
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString)
            { Database = PostgresMigrationDatabase.MaintenanceDatabase, ApplicationName = holder[..Math.Min(holder.Length, 63)], Pooling = false }.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using (var take = new NpgsqlCommand("SELECT pg_try_advisory_lock(hashtextextended($1, 0))", connection))
            {
                take.Parameters.Add(new() { Value = name });
                if ((bool)(await take.ExecuteScalarAsync(cancellationToken))!) return connection;
            }
            await using var who = new NpgsqlCommand("""
                SELECT a.application_name, a.backend_start FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
                WHERE l.locktype = 'advisory' AND l.granted AND a.pid <> pg_backend_pid() AND a.application_name LIKE 'sluice-train %'
                ORDER BY a.backend_start LIMIT 1
                """, connection);
            await using var reader = await who.ExecuteReaderAsync(cancellationToken);
            var by = await reader.ReadAsync(cancellationToken) ? $"{reader.GetString(0)["sluice-train ".Length..]} since {reader.GetFieldValue<DateTimeOffset>(1):u}" : "another train";
            throw new SluiceException(ErrorKind.Busy, ErrorCodes.Busy, $"environment '{request.Environment}' is busy: a release train is running there, held by {by}",
                "wait for it to finish, then run again");
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }
}
