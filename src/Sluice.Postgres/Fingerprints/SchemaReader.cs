using Npgsql;
using Sluice.Fingerprints;

namespace Sluice.Postgres.Fingerprints;

/// <summary>
/// Reads the normalised catalog of the user schemas: definitions come from PostgreSQL's own <c>pg_get_*def</c>
/// functions with an empty <c>search_path</c>, so every name in them is qualified the same way on every server;
/// no OIDs, owners, column positions or objects that belong to extensions.
/// </summary>
internal static class SchemaReader
{
    private const string Query = """
        WITH ns AS (
            SELECT oid, CASE WHEN nspname = 'public' THEN '' ELSE nspname || '.' END AS prefix FROM pg_namespace
            WHERE nspname <> ALL($1) AND nspname NOT LIKE 'pg\_%' AND nspname <> 'information_schema'),
        rel AS (
            SELECT c.oid, c.relkind, c.relpersistence, ns.prefix || c.relname AS name FROM pg_class c JOIN ns ON ns.oid = c.relnamespace
            WHERE NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e'))
        SELECT 'table', name, CASE relkind WHEN 'p' THEN 'partitioned ' ELSE '' END || CASE relpersistence WHEN 'u' THEN 'unlogged' ELSE 'logged' END
        FROM rel WHERE relkind IN ('r', 'p')
        UNION ALL
        SELECT 'column', rel.name || '.' || a.attname,
               format_type(a.atttypid, a.atttypmod)
               || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END
               || CASE WHEN a.attidentity <> '' THEN ' identity ' || a.attidentity::text ELSE '' END
               || CASE WHEN a.attgenerated <> '' THEN ' generated' ELSE '' END
               || CASE WHEN a.attcollation <> t.typcollation THEN ' collate ' || coll.collname ELSE '' END
        FROM rel JOIN pg_attribute a ON a.attrelid = rel.oid JOIN pg_type t ON t.oid = a.atttypid
        LEFT JOIN pg_collation coll ON coll.oid = a.attcollation
        WHERE rel.relkind IN ('r', 'p', 'v', 'm', 'f') AND a.attnum > 0 AND NOT a.attisdropped
        UNION ALL
        SELECT 'default', rel.name || '.' || a.attname, pg_get_expr(d.adbin, d.adrelid)
        FROM rel JOIN pg_attrdef d ON d.adrelid = rel.oid JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum
        UNION ALL
        SELECT 'constraint', rel.name || '.' || con.conname, pg_get_constraintdef(con.oid)
        FROM rel JOIN pg_constraint con ON con.conrelid = rel.oid
        UNION ALL
        SELECT 'index', ns.prefix || ic.relname, pg_get_indexdef(i.indexrelid)
        FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN ns ON ns.oid = ic.relnamespace JOIN rel ON rel.oid = i.indrelid
        UNION ALL
        SELECT 'sequence', rel.name, format('%s start %s increment %s min %s max %s cache %s%s', format_type(s.seqtypid, NULL),
               s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcache, CASE WHEN s.seqcycle THEN ' cycle' ELSE '' END)
        FROM rel JOIN pg_sequence s ON s.seqrelid = rel.oid
        UNION ALL
        SELECT CASE rel.relkind WHEN 'm' THEN 'materialized view' ELSE 'view' END, rel.name, pg_get_viewdef(rel.oid)
        FROM rel WHERE rel.relkind IN ('v', 'm')
        UNION ALL
        SELECT 'function', ns.prefix || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')', pg_get_functiondef(p.oid)
        FROM pg_proc p JOIN ns ON ns.oid = p.pronamespace
        WHERE p.prokind IN ('f', 'p')
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
        UNION ALL
        SELECT 'trigger', rel.name || '.' || tg.tgname, pg_get_triggerdef(tg.oid)
        FROM rel JOIN pg_trigger tg ON tg.tgrelid = rel.oid WHERE NOT tg.tgisinternal
        UNION ALL
        SELECT 'type', ns.prefix || ty.typname,
               'enum (' || (SELECT string_agg(quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = ty.oid) || ')'
        FROM pg_type ty JOIN ns ON ns.oid = ty.typnamespace WHERE ty.typtype = 'e'
        """;

    private const string Tables = """
        SELECT c.oid::regclass::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
          AND n.nspname <> ALL($1) AND n.nspname NOT LIKE 'pg\_%' AND n.nspname <> 'information_schema'
        ORDER BY 1
        """;

    public static Task<SchemaFingerprint> ReadAsync(ReadSession session, IReadOnlyList<string> excludedSchemas, CancellationToken cancellationToken) =>
        session.RunAsync(async connection =>
        {
            var objects = new List<SchemaObject>();
            await WithEmptySearchPathAsync(connection, async () =>
            {
                await using var command = new NpgsqlCommand(Query, connection) { Parameters = { new() { Value = excludedSchemas.ToArray() } } };
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                    objects.Add(new SchemaObject(reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? "" : reader.GetString(2)));
            }, cancellationToken);
            return new SchemaFingerprint(objects);
        }, cancellationToken);

    /// <summary>The schema of the database now, outside the <c>sluice</c> schema, read in a snapshot of its own: what a
    /// recorded expectation or baseline is compared with.</summary>
    public static async Task<SchemaFingerprint> ReadCurrentAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var session = await ReadSession.OpenAsync(dataSource, 1, cancellationToken);
        return await ReadAsync(session, FingerprintOptions.DefaultExcludedSchemas, cancellationToken);
    }

    /// <summary>The user tables (quoted, qualified names as <c>regclass</c> prints them), ordered.</summary>
    public static Task<IReadOnlyList<string>> TablesAsync(ReadSession session, IReadOnlyList<string> excludedSchemas, CancellationToken cancellationToken) =>
        session.RunAsync<IReadOnlyList<string>>(async connection =>
        {
            var tables = new List<string>();
            await using var command = new NpgsqlCommand(Tables, connection) { Parameters = { new() { Value = excludedSchemas.ToArray() } } };
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken)) tables.Add(reader.GetString(0));
            return tables;
        }, cancellationToken);

    // Within the snapshot's transaction and undone after, so query sources still resolve names as their author expects.
    private static async Task WithEmptySearchPathAsync(NpgsqlConnection connection, Func<Task> read, CancellationToken cancellationToken)
    {
        await using (var get = new NpgsqlCommand("SELECT current_setting('search_path'), set_config('search_path', '', true)", connection))
        {
            var previous = (string)(await get.ExecuteScalarAsync(cancellationToken))!;
            await read();
            await using var restore = new NpgsqlCommand("SELECT set_config('search_path', $1, true)", connection) { Parameters = { new() { Value = previous } } };
            await restore.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}
