using Npgsql;
using Sluice.Errors;
using Sluice.Rehearsal.Profiles;

namespace Sluice.Postgres.Rehearsal;

/// <summary>
/// The primary keys, unique constraints, plain indexes and foreign keys of the tables a bulk load fills, set aside
/// before the load and rebuilt after it, as <c>pg_restore</c> does: rows COPY into bare heaps, each index is then
/// built once by sorting (right after its table's COPY, while other tables still load), and each foreign key is
/// checked by one join instead of a trigger query per row, once every table is in. Each object
/// is rebuilt from its own catalog definition, so the schema afterwards is the schema before (NOT VALID, DEFERRABLE,
/// INCLUDE, partial indexes, and a key's index storage options, which <c>pg_get_constraintdef</c> leaves out and are
/// added back as <c>pg_dump</c> does). Check constraints, exclusion constraints and triggers stay in place.
/// </summary>
internal sealed class DeferredStructure
{
    private readonly IReadOnlyDictionary<string, IReadOnlyList<Definition>> _byTable;
    private readonly IReadOnlyList<Definition> _foreignKeys;

    private DeferredStructure(IReadOnlyDictionary<string, IReadOnlyList<Definition>> byTable, IReadOnlyList<Definition> foreignKeys, bool bare) =>
        (_byTable, _foreignKeys, Bare) = (byTable, foreignKeys, bare);

    /// <summary>True when the tables hold no key, index or foreign key until they are rebuilt (they had none, or they
    /// were set aside); false when they stayed in place.</summary>
    public bool Bare { get; }

    /// <summary>Objects set aside (0 when the tables had none, or when they could not be set aside).</summary>
    public int Count => _byTable.Values.Sum(d => d.Count) + _foreignKeys.Count;

    /// <param name="Table">The table as the caller named it, for <see cref="RebuildTableAsync"/>.</param>
    /// <param name="DropSql">The statement that drops it.</param>
    /// <param name="Name">The constraint or index, for messages.</param>
    /// <param name="Sql">The statement that rebuilds it.</param>
    /// <param name="OnTable">The table it belongs to as PostgreSQL prints it, for messages.</param>
    /// <param name="After">Statements that restore what the definition leaves out (clustering, replica identity,
    /// comments); empty when there is nothing.</param>
    private sealed record Definition(string Table, string DropSql, string Name, string Sql, string OnTable, string After);

    // Each row: kind (p, u, f, i), the caller's name of the table it belongs to (for a foreign key from a table outside
    // the load, the referenced one), drop statement, name, rebuild statement, the table as PostgreSQL prints it, and
    // what goes with the object beyond its definition (CLUSTER ON, REPLICA IDENTITY USING INDEX, comments; || with a
    // NULL comment or index gives NULL, which concat_ws leaves out).
    private const string ReadSql = """
        WITH given AS (SELECT g.name, g.name::regclass::oid AS oid FROM unnest($1::text[]) AS g(name))
        SELECT c.contype::text, coalesce(own.name, referenced.name),
               format('ALTER TABLE %s DROP CONSTRAINT %I', c.conrelid::regclass, c.conname), c.conname,
               format('ALTER TABLE %s ADD CONSTRAINT %I %s', c.conrelid::regclass, c.conname,
                      regexp_replace(pg_get_constraintdef(c.oid), '((?: NOT)? DEFERRABLE.*)?$',
                          coalesce(' WITH (' || array_to_string(ic.reloptions, ', ') || ')', '')
                          || coalesce(' USING INDEX TABLESPACE ' || quote_ident(ts.spcname), '') || '\1')),
               c.conrelid::regclass::text,
               concat_ws(E';\n',
                   CASE WHEN ix.indisclustered THEN format('ALTER TABLE %s CLUSTER ON %s', c.conrelid::regclass, ix.indexrelid::regclass) END,
                   CASE WHEN ix.indisreplident THEN format('ALTER TABLE %s REPLICA IDENTITY USING INDEX %s', c.conrelid::regclass, ix.indexrelid::regclass) END,
                   'COMMENT ON CONSTRAINT ' || quote_ident(c.conname) || ' ON ' || c.conrelid::regclass::text || ' IS ' || quote_literal(obj_description(c.oid, 'pg_constraint')),
                   'COMMENT ON INDEX ' || ix.indexrelid::regclass::text || ' IS ' || quote_literal(obj_description(ix.indexrelid, 'pg_class')))
        FROM pg_constraint c
        LEFT JOIN given own ON own.oid = c.conrelid
        LEFT JOIN given referenced ON referenced.oid = c.confrelid
        LEFT JOIN pg_class ic ON c.contype IN ('p', 'u') AND ic.oid = c.conindid
        LEFT JOIN pg_index ix ON ix.indexrelid = ic.oid
        LEFT JOIN pg_tablespace ts ON ts.oid = ic.reltablespace AND ic.reltablespace <> 0
        WHERE c.contype IN ('p', 'u', 'f') AND (own.oid IS NOT NULL OR (c.contype = 'f' AND referenced.oid IS NOT NULL))
        UNION ALL
        SELECT 'i', own.name, format('DROP INDEX %s', i.indexrelid::regclass), i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid),
               i.indrelid::regclass::text,
               concat_ws(E';\n',
                   CASE WHEN i.indisclustered THEN format('ALTER TABLE %s CLUSTER ON %s', i.indrelid::regclass, i.indexrelid::regclass) END,
                   CASE WHEN i.indisreplident THEN format('ALTER TABLE %s REPLICA IDENTITY USING INDEX %s', i.indrelid::regclass, i.indexrelid::regclass) END,
                   'COMMENT ON INDEX ' || i.indexrelid::regclass::text || ' IS ' || quote_literal(obj_description(i.indexrelid, 'pg_class')))
        FROM pg_index i JOIN given own ON own.oid = i.indrelid
        WHERE NOT EXISTS (SELECT FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid AND c.contype IN ('p', 'u', 'x'))
        ORDER BY 1, 2, 4
        """;

    // Partitioned tables share their keys and indexes with their partitions; dropping them there is another story.
    private const string PartitionedSql = """
        SELECT count(*) FROM pg_class c WHERE c.oid = ANY($1::text[]::regclass[]) AND (c.relkind = 'p' OR c.relispartition)
        """;

    /// <summary>
    /// Drops the keys, indexes and foreign keys of <paramref name="tables"/> (qualified names) in one transaction and
    /// returns what it dropped. When they cannot be dropped (another table's foreign key depends on a key, a
    /// partitioned table), nothing is dropped and the load runs with them in place.
    /// </summary>
    public static async Task<DeferredStructure> SetAsideAsync(NpgsqlConnection connection, IReadOnlyList<string> tables, CancellationToken cancellationToken)
    {
        var none = new DeferredStructure(new Dictionary<string, IReadOnlyList<Definition>>(), [], bare: false);
        if (tables.Count == 0) return none;
        await using (var partitioned = new NpgsqlCommand(PartitionedSql, connection) { Parameters = { new() { Value = tables.ToArray() } } })
            if ((long)(await partitioned.ExecuteScalarAsync(cancellationToken))! > 0) return none;

        var all = new List<(char Kind, Definition Definition)>();
        await using (var read = new NpgsqlCommand(ReadSql, connection) { Parameters = { new() { Value = tables.ToArray() } } })
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
            while (await reader.ReadAsync(cancellationToken))
                all.Add((reader.GetString(0)[0], new Definition(reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5), reader.GetString(6))));
        // Keys before the other indexes of their table; foreign keys dropped first, since they depend on the keys.
        var byTable = all.Where(d => d.Kind != 'f').OrderBy(d => d.Kind == 'i').Select(d => d.Definition)
            .GroupBy(d => d.Table, StringComparer.Ordinal).ToDictionary(g => g.Key, g => (IReadOnlyList<Definition>)[.. g], StringComparer.Ordinal);
        var structure = new DeferredStructure(byTable, [.. all.Where(d => d.Kind == 'f').Select(d => d.Definition)], bare: true);
        if (structure.Count == 0) return structure;

        var drops = string.Concat(structure._foreignKeys.Concat(byTable.Values.SelectMany(d => d)).Select(d => d.DropSql + ";\n"));
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        try
        {
            await using var drop = new NpgsqlCommand(drops, connection, transaction);
            await drop.ExecuteNonQueryAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return structure;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DependentObjectsStillExist)
        {
            await transaction.RollbackAsync(cancellationToken);
            return none;
        }
    }

    /// <summary>Builds the keys and indexes of one table (named as it was given to <see cref="SetAsideAsync"/>), on
    /// the connection that loaded it. A row breaking a key is reported with the key's name.</summary>
    public async Task RebuildTableAsync(NpgsqlConnection connection, string table, CancellationToken cancellationToken)
    {
        if (!_byTable.TryGetValue(table, out var definitions)) return;
        // Enough to sort the keys of a rehearsal-sized table in memory; one per loading connection, so kept modest.
        await using (var settings = new NpgsqlCommand("SET maintenance_work_mem = '128MB'", connection))
            await settings.ExecuteNonQueryAsync(cancellationToken);
        foreach (var definition in definitions) await RunAsync(connection, definition, cancellationToken);
    }

    /// <summary>Adds the foreign keys back once every table's keys are rebuilt (each table's load rebuilds its own): all
    /// NOT VALID on one connection (catalog changes only), then each validated by one query, at most
    /// <paramref name="degree"/> at once. Adding two foreign keys of a cycle at once would deadlock (each locks both
    /// tables); validations do not conflict. A foreign key that was NOT VALID before stays so.</summary>
    public async Task RebuildForeignKeysAsync(string connectionString, int degree, CancellationToken cancellationToken)
    {
        const string notValid = " NOT VALID";
        var toValidate = _foreignKeys.Where(k => !k.Sql.EndsWith(notValid, StringComparison.Ordinal)).ToList();
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync(cancellationToken);
            foreach (var key in _foreignKeys)
                await RunAsync(connection, toValidate.Contains(key) ? key with { Sql = key.Sql + notValid } : key, cancellationToken);
        }
        await Parallel.ForEachAsync(toValidate, new ParallelOptions { MaxDegreeOfParallelism = degree, CancellationToken = cancellationToken },
            async (key, token) =>
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync(token);
                await RunAsync(connection, key with { Sql = $"ALTER TABLE {key.OnTable} VALIDATE CONSTRAINT {Databases.Sql.Identifier(key.Name)}", After = "" }, token);
            });
    }

    private static async Task RunAsync(NpgsqlConnection connection, Definition definition, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = new NpgsqlCommand(definition.Sql, connection) { CommandTimeout = 0 };
            await command.ExecuteNonQueryAsync(cancellationToken);
            if (definition.After.Length > 0)
            {
                await using var after = new NpgsqlCommand(definition.After, connection);
                await after.ExecuteNonQueryAsync(cancellationToken);
            }
        }
        catch (PostgresException e) when (e.SqlState.StartsWith("23", StringComparison.Ordinal)) // integrity constraint violation
        {
            throw new SluiceException(ErrorKind.Failure, ErrorCodes.Unsupported,
                $"synthetic rows break {definition.Name} on {definition.OnTable}: {e.MessageText}{(e.Detail is { } d ? $" ({d})" : "")}",
                "report the case with the profile and the schema: the generator should never produce such rows", inner: e);
        }
    }
}
