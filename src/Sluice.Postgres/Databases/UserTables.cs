using Npgsql;

namespace Sluice.Postgres.Databases;

/// <summary>Whether a database holds any table of its own (outside the catalogs and schema <c>sluice</c>): an empty
/// one is the cause of "relation does not exist" in a new repository, and the only kind seeding may load.</summary>
internal static class UserTables
{
    private const string First = """
        SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'sluice')
          AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'
        ORDER BY 1 LIMIT 1
        """;

    /// <summary>One table of the database (<c>schema.table</c>), or null when it holds none.</summary>
    public static async Task<string?> FirstAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var probe = new NpgsqlCommand(First, connection);
        return await probe.ExecuteScalarAsync(cancellationToken) as string;
    }
}
