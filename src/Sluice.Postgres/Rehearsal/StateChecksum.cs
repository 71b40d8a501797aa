using Npgsql;

namespace Sluice.Postgres.Rehearsal;

/// <summary>
/// The schema and data of a database as a set of named checksums, insensitive to column order. The fingerprint
/// service hashes rows in column order, and a down that re-adds a dropped column puts it at the end: the data is
/// restored but the row hashes differ. Rehearsal compares by column name instead.
/// </summary>
internal sealed record StateChecksum(IReadOnlyDictionary<string, string> Items)
{
    public IReadOnlyList<string> Differences(StateChecksum after)
    {
        var result = new List<string>();
        foreach (var (name, value) in Items.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (!after.Items.TryGetValue(name, out var other)) result.Add($"{name} is gone");
            else if (other != value) result.Add($"{name} differs");
        }
        result.AddRange(after.Items.Keys.Where(k => !Items.ContainsKey(k)).Order(StringComparer.Ordinal).Select(k => $"{k} is new"));
        return result;
    }

    public static async Task<StateChecksum> TakeAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var items = new Dictionary<string, string>(StringComparer.Ordinal);
        await using (var command = new NpgsqlCommand("""
            SELECT 'column ' || n.nspname || '.' || c.relname || '.' || a.attname,
                   format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END
                   || coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '')
            FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            WHERE c.relkind IN ('r', 'v', 'm', 'p') AND a.attnum > 0 AND NOT a.attisdropped AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'sluice') AND n.nspname NOT LIKE 'pg_%'
            UNION ALL
            SELECT 'index ' || schemaname || '.' || indexname, indexdef FROM pg_indexes WHERE schemaname NOT IN ('pg_catalog', 'sluice')
            UNION ALL
            SELECT 'constraint ' || n.nspname || '.' || c.relname || '.' || con.conname, pg_get_constraintdef(con.oid) || CASE WHEN con.convalidated THEN '' ELSE ' (not validated)' END
            FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'sluice')
            UNION ALL
            SELECT 'trigger ' || c.relname || '.' || t.tgname, pg_get_triggerdef(t.oid)
            FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE NOT t.tgisinternal AND n.nspname NOT IN ('pg_catalog', 'sluice')
            UNION ALL
            SELECT 'function ' || n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')', md5(pg_get_functiondef(p.oid))
            FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'sluice') AND p.prokind IN ('f', 'p')
            UNION ALL
            SELECT 'view ' || schemaname || '.' || viewname, md5(definition) FROM pg_views WHERE schemaname NOT IN ('pg_catalog', 'information_schema', 'sluice')
            """, connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            while (await reader.ReadAsync(cancellationToken)) items[reader.GetString(0)] = reader.GetString(1);

        // Data: per column, an order-free sum of value hashes keyed by the row's primary key (or the whole row).
        var columns = items.Keys.Where(k => k.StartsWith("column ", StringComparison.Ordinal))
            .Select(k => k["column ".Length..]).Select(k => (table: k[..k.LastIndexOf('.')], column: k[(k.LastIndexOf('.') + 1)..]))
            .GroupBy(p => p.table).ToList();
        var tables = await TablesAsync(connection, cancellationToken);
        foreach (var group in columns.Where(g => tables.ContainsKey(g.Key)))
        {
            var key = tables[group.Key];
            var keyText = key.Length == 0 ? "''" : string.Join(" || '|' || ", key.Select(k => $"coalesce({Ident(k)}::text, '~')"));
            var sums = string.Join(", ", group.OrderBy(p => p.column, StringComparer.Ordinal)
                .Select(p => $"coalesce(sum(hashtextextended({keyText} || '=' || coalesce({Ident(p.column)}::text, '~null~'), 0)), 0)::text"));
            await using var command = new NpgsqlCommand($"SELECT count(*)::text, {sums} FROM {QualifiedTable(group.Key)}", connection);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            items[$"rows {group.Key}"] = reader.GetString(0);
            var i = 1;
            foreach (var (_, column) in group.OrderBy(p => p.column, StringComparer.Ordinal))
                items[$"data {group.Key}.{column}"] = reader.GetString(i++);
        }
        return new StateChecksum(items);
    }

    private static async Task<Dictionary<string, string[]>> TablesAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, string[]>(StringComparer.Ordinal);
        await using var command = new NpgsqlCommand("""
            SELECT n.nspname || '.' || c.relname,
                   coalesce((SELECT array_agg(a.attname ORDER BY a.attnum) FROM pg_constraint p JOIN pg_attribute a ON a.attrelid = p.conrelid AND a.attnum = ANY (p.conkey)
                             WHERE p.conrelid = c.oid AND p.contype = 'p'), '{}')::text[]
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'sluice') AND n.nspname NOT LIKE 'pg_%'
            """, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) result[reader.GetString(0)] = reader.GetFieldValue<string[]>(1);
        return result;
    }

    private static string Ident(string name) => Databases.Sql.Identifier(name);

    private static string QualifiedTable(string qualified)
    {
        var dot = qualified.IndexOf('.', StringComparison.Ordinal);
        return PostgresProfiler.Qualified(qualified[..dot], qualified[(dot + 1)..]);
    }
}
