using Npgsql;

namespace Sluice.Postgres.Rehearsal;

/// <summary>
/// The statements of the old application's background traffic, shared by a rehearsal's <see cref="PhaseObserver"/>
/// and Promote's <see cref="Environments.ConcurrentWorkload"/>: per user table, a read and a write that changes no
/// value, enough to queue behind any lock that blocks readers or writers without changing what a fingerprint reads.
/// </summary>
internal static class WorkloadStatements
{
    /// <summary>Every user table with the column a no-op write sets to itself (its primary key, else its first column).</summary>
    public static async Task<IReadOnlyList<(string Table, string Column)>> TablesAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            SELECT format('%I.%I', n.nspname, c.relname),
                   quote_ident(coalesce((SELECT a.attname FROM pg_constraint p JOIN pg_attribute a ON a.attrelid = p.conrelid AND a.attnum = p.conkey[1] WHERE p.conrelid = c.oid AND p.contype = 'p'),
                                        (SELECT a.attname FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '' ORDER BY a.attnum LIMIT 1)))
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'sluice') AND n.nspname NOT LIKE 'pg_%'
            ORDER BY 1
            """, connection);
        var result = new List<(string, string)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) result.Add((reader.GetString(0), reader.GetString(1)));
        return result;
    }

    /// <summary>A read of a few rows.</summary>
    public static string Read(string table) => $"SELECT count(*) FROM (SELECT 1 FROM {table} LIMIT 10) r";

    /// <summary>A read, then a write of one row that sets <paramref name="column"/> to itself.</summary>
    public static string ReadAndTouch(string table, string column) => $"""
        {Read(table)};
        UPDATE {table} SET {column} = {column} WHERE ctid = (SELECT ctid FROM {table} LIMIT 1);
        """;
}
