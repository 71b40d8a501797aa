using System.Collections.Concurrent;
using Npgsql;
using Sluice.Migrations.Backfill;
using Sluice.Migrations.Plans;
using Sluice.Postgres.Databases;

namespace Sluice.Postgres.Migrations;

/// <summary>
/// The writers' latency on a table from <c>pg_stat_statements</c> (PostgreSQL 14 and later: <c>toplevel</c>,
/// <c>total_exec_time</c>): per statement its <c>calls</c>, <c>total_exec_time</c> and <c>stddev_exec_time</c>, for
/// the top-level statements of this database whose text inserts into, updates, deletes from or merges into the table
/// (<see cref="StatementTargets.WritesTo"/>). Left out: Sluice's own batch (its text holds
/// <see cref="PostgresBackfillExecutor.StatementMark"/> after its first keyword; the journal's writes touch only schema <c>sluice</c>) and
/// statements nested in a function or trigger (<c>toplevel</c> false: their time is inside their caller's). Execution
/// time includes the time a write waited on a row lock, so it is what the writer feels on the server's side.
/// <para>A statement's text is read once (the texts live in a file the server reads whole for every query that asks
/// for them); later readings ask for the figures only, and for the text of statements not seen before.</para>
/// </summary>
internal sealed class PostgresWriterLatency(NpgsqlDataSource dataSource) : IWriterLatencySource
{
    private const string HiddenText = "<insufficient privilege>";

    /// <summary>Whether each statement (the server's key: role and query id) writes each table asked about.</summary>
    private readonly ConcurrentDictionary<(string Table, string Key), bool> _writes = new();

    public async Task<WriterLatencyReading> ReadAsync(string table, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            string? schema;
            await using (var find = new NpgsqlCommand(
                             "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_stat_statements'", connection))
                schema = (string?)await find.ExecuteScalarAsync(cancellationToken);
            if (schema is null)
                return WriterLatencyReading.Unobserved($"pg_stat_statements is not installed in database {connection.Database}",
                    "CREATE EXTENSION pg_stat_statements in it, with pg_stat_statements in the server's shared_preload_libraries (a restart)");
            var function = Sql.Qualified(schema, "pg_stat_statements");
            await using (var track = new NpgsqlCommand("SELECT current_setting('pg_stat_statements.track', true)", connection))
                if (await track.ExecuteScalarAsync(cancellationToken) is "none")
                    return WriterLatencyReading.Unobserved("pg_stat_statements.track is none: the server records no statement",
                        "set pg_stat_statements.track to top (the default) and reload the server's configuration");
            var (figures, hidden) = await FiguresAsync(connection, function, cancellationToken);
            // Another role's statements come without their query id and text to a role without pg_read_all_stats: which
            // of them write the table cannot be told, so the writers cannot be judged (and would look like too few).
            if (hidden > 0) return Hidden(await RoleAsync(connection, cancellationToken));
            var unknown = figures.Keys.Where(key => !_writes.ContainsKey((table, key))).ToArray();
            if (unknown.Length > 0)
                foreach (var (key, text) in await TextsAsync(connection, function, unknown, cancellationToken))
                {
                    if (text == HiddenText) return Hidden(await RoleAsync(connection, cancellationToken));
                    _writes[(table, key)] = !text.Contains(PostgresBackfillExecutor.StatementMark, StringComparison.Ordinal)
                                            && StatementTargets.WritesTo(text, table);
                }
            return new WriterLatencyReading(figures.Where(f => _writes.TryGetValue((table, f.Key), out var writes) && writes)
                .ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal));
        }
        catch (PostgresException e)
        {
            return WriterLatencyReading.Unobserved($"pg_stat_statements cannot be read: {e.MessageText} ({e.SqlState})", e.SqlState switch
            {
                PostgresErrorCodes.ObjectNotInPrerequisiteState => "add pg_stat_statements to the server's shared_preload_libraries and restart it",
                PostgresErrorCodes.UndefinedColumn or PostgresErrorCodes.UndefinedFunction =>
                    "ALTER EXTENSION pg_stat_statements UPDATE on PostgreSQL 14 or later (the watch needs its toplevel and total_exec_time)",
                PostgresErrorCodes.InsufficientPrivilege => "grant the role pg_read_all_stats",
                _ => "check the extension: SELECT * FROM pg_stat_statements LIMIT 1",
            });
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException && !cancellationToken.IsCancellationRequested)
        {
            // A monitoring read that failed (a lost connection, a full pool) must not fail the phase it watches.
            return WriterLatencyReading.Unobserved($"pg_stat_statements could not be read: {e.Message}",
                "check the connection to the database and the pool's size (the watch takes one connection beside the backfill's)");
        }
    }

    private static WriterLatencyReading Hidden(string role) =>
        WriterLatencyReading.Unobserved($"pg_stat_statements shows role {role} neither the text nor the query id of other roles' statements",
            "grant it pg_read_all_stats, so it can tell which statements write the table");

    // Top-level statements of this database, without their texts; and how many of them are hidden from this role.
    private static async Task<(Dictionary<string, StatementTimes> Figures, int Hidden)> FiguresAsync(NpgsqlConnection connection, string function,
        CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"""
            SELECT userid::text || '/' || queryid::text, calls, total_exec_time, stddev_exec_time
            FROM {function}(false)
            WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND toplevel
            """, connection);
        var result = new Dictionary<string, StatementTimes>(StringComparer.Ordinal);
        var hidden = 0;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (reader.IsDBNull(0)) hidden++;
            else result[reader.GetString(0)] = StatementTimes.FromMeanAndDeviation(reader.GetInt64(1), reader.GetDouble(2), reader.GetDouble(3));
        }
        return (result, hidden);
    }

    private static async Task<List<(string Key, string Text)>> TextsAsync(NpgsqlConnection connection, string function, string[] keys,
        CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"""
            SELECT userid::text || '/' || queryid::text, query
            FROM {function}(true)
            WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND toplevel AND queryid IS NOT NULL
              AND userid::text || '/' || queryid::text = ANY($1) AND query IS NOT NULL
            """, connection);
        command.Parameters.Add(new() { Value = keys });
        var result = new List<(string, string)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) result.Add((reader.GetString(0), reader.GetString(1)));
        return result;
    }

    private static async Task<string> RoleAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT current_user", connection);
        return (string)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
