using Npgsql;
using Sluice.Errors;
using Sluice.Fingerprints;

namespace Sluice.Postgres.Fingerprints;

/// <summary>
/// Resolves a <see cref="FingerprintSource"/> against the catalog of a <see cref="ReadSession"/>'s snapshot: the
/// table (or the query's result columns), the key (named, or the table's primary key), and how each column type hashes.
/// </summary>
internal static class SourceDescriber
{
    public static Task<DescribedSource> DescribeAsync(ReadSession session, FingerprintSource source, CancellationToken cancellationToken) =>
        session.RunAsync(c => DescribeAsync(session, c, source, cancellationToken), cancellationToken);

    private static async Task<DescribedSource> DescribeAsync(ReadSession session, NpgsqlConnection connection, FingerprintSource source,
        CancellationToken cancellationToken)
    {
        string? relation = null;
        List<(string Name, string Type)> columns;
        IReadOnlyList<string> key;
        if (source.Relation is { } name)
        {
            await using (var resolve = new NpgsqlCommand("SELECT to_regclass($1)::text", connection) { Parameters = { new() { Value = name } } })
                relation = await resolve.ExecuteScalarAsync(cancellationToken) as string
                    ?? throw SluiceException.Usage(ErrorCodes.BadSource, $"table '{name}' does not exist in {connection.Database}",
                        "name an existing table (schema.table)");
            columns = await ColumnsAsync(connection, relation, cancellationToken);
            key = source.Key.Count > 0 ? source.Key : await PrimaryKeyAsync(connection, relation, cancellationToken);
        }
        else
        {
            columns = await QueryColumnsAsync(connection, source.Query!, cancellationToken);
            key = source.Key;
        }
        var byName = columns.ToDictionary(c => c.Name, StringComparer.Ordinal);
        foreach (var k in key)
            if (!byName.ContainsKey(k))
                throw SluiceException.Usage(ErrorCodes.BadSource, $"key column '{k}' is not a column of {source.Name}",
                    $"its columns are {string.Join(", ", columns.Select(c => c.Name))}");
        var hashing = new Dictionary<string, TypeHashing>(StringComparer.Ordinal);
        foreach (var type in columns.Select(c => c.Type).Distinct())
            hashing[type] = await session.HashingOfAsync(connection, type, cancellationToken);
        var infos = columns.Select(c => new ColumnInfo(c.Name, c.Type, hashing[c.Type].Hashable, hashing[c.Type].Hasher?.Function)).ToList();
        var from = relation is not null ? $"{relation} AS src" : $"({source.Query}) AS src";
        var sql = new SourceSql(from, [.. key.Select(k => infos.First(c => c.Name == k))]);
        var byFunction = hashing.Values.Select(h => h.Hasher).OfType<TypeHasher>().DistinctBy(h => h.Function).ToDictionary(h => h.Function, StringComparer.Ordinal);
        return new DescribedSource(source, new SourceShape(infos, key), sql, relation, byFunction);
    }

    private static async Task<List<(string, string)>> ColumnsAsync(NpgsqlConnection connection, string relation, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute
            WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum
            """, connection) { Parameters = { new() { Value = relation } } };
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var pairs = new List<(string, string)>();
        while (await reader.ReadAsync(cancellationToken)) pairs.Add((reader.GetString(0), reader.GetString(1)));
        return pairs;
    }

    private static async Task<List<(string, string)>> QueryColumnsAsync(NpgsqlConnection connection, string query, CancellationToken cancellationToken)
    {
        var oids = new List<(string Name, uint Oid)>();
        await using (var command = new NpgsqlCommand($"SELECT * FROM ({query}) AS src LIMIT 0", connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            for (var i = 0; i < reader.FieldCount; i++)
                oids.Add((reader.GetName(i), reader.GetDataTypeOID(i)));
        var columns = new List<(string, string)>();
        foreach (var (name, oid) in oids)
        {
            await using var type = new NpgsqlCommand("SELECT format_type($1::bigint::oid, NULL)", connection) { Parameters = { new() { Value = (long)oid } } };
            columns.Add((name, (string)(await type.ExecuteScalarAsync(cancellationToken))!));
        }
        return columns;
    }

    private static async Task<IReadOnlyList<string>> PrimaryKeyAsync(NpgsqlConnection connection, string relation, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            SELECT a.attname FROM pg_index i
            CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
            JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
            WHERE i.indrelid = $1::regclass AND i.indisprimary ORDER BY k.ord
            """, connection) { Parameters = { new() { Value = relation } } };
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var key = new List<string>();
        while (await reader.ReadAsync(cancellationToken)) key.Add(reader.GetString(0));
        return key;
    }
}
