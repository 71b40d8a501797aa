using System.Globalization;
using System.Numerics;
using Npgsql;
using Sluice.Errors;
using Sluice.Fingerprints;

namespace Sluice.Postgres.Fingerprints;

/// <summary>
/// Reads one <see cref="FingerprintSource"/> through a <see cref="ReadSession"/>: hashes are computed by the server
/// (count and sum of 64-bit row hashes per chunk), chunk queries spread over the session's connections.
/// </summary>
public sealed class PostgresFingerprintReader(ReadSession session, FingerprintSource source) : IFingerprintReader
{
    private static readonly BigInteger TwoTo64 = BigInteger.One << 64;
    private static readonly HashSet<string> IntegerTypes = ["smallint", "integer", "bigint"];
    private SourceShape? _shape;
    private SourceSql? _sql;
    private string? _relation;
    private IReadOnlyDictionary<string, TypeHasher> _hashers = new Dictionary<string, TypeHasher>();

    public FingerprintSource Source { get; } = source;

    public async Task<SourceShape> DescribeAsync(CancellationToken cancellationToken)
    {
        if (_shape is not null) return _shape;
        var (shape, sql, relation, hashers) = await session.RunAsync(c => DescribeAsync(c, cancellationToken), cancellationToken);
        (_sql, _relation, _hashers) = (sql, relation, hashers);
        return _shape = shape;
    }

    public async Task<IReadOnlyList<RowKey>> SplitPointsAsync(KeyRange range, int parts, CancellationToken cancellationToken)
    {
        var shape = await DescribeAsync(cancellationToken);
        var sql = _sql!;
        if (!shape.Locatable || parts < 2) return [];
        if (range == KeyRange.All && sql.Key.Count == 1 && _relation is not null)
        {
            var histogram = await HistogramAsync(sql.Key[0], parts, cancellationToken);
            if (histogram.Count > 0) return histogram;
        }
        if (sql.Key.Count == 1 && IntegerTypes.Contains(sql.Key[0].Type)) return await InterpolateAsync(sql, range, parts, cancellationToken);
        // Without statistics a whole table is one chunk; bisection cuts it by counting keys when it must.
        if (range == KeyRange.All) return [];
        return await QuantilesAsync(sql, range, parts, cancellationToken);
    }

    public async Task<IReadOnlyList<ChunkHash>> HashChunksAsync(HashPlan plan, IReadOnlyList<KeyRange> ranges, CancellationToken cancellationToken)
    {
        await DescribeAsync(cancellationToken);
        if (ranges.Count == 0) return [];
        if (_relation is not null && session.Degree > 1 && ranges[0].From is null && ranges[^1].To is null)
            return await HashByBlocksAsync(plan, ranges, cancellationToken);
        // Contiguous groups of chunks, one query (one index range scan) per connection.
        var groups = Math.Min(session.Degree, ranges.Count);
        var size = (ranges.Count + groups - 1) / groups;
        var work = ranges.Chunk(size).Select(group => HashGroupAsync(plan, group, null, cancellationToken));
        return [.. (await Task.WhenAll(work)).SelectMany(g => g)];
    }

    /// <summary>
    /// A whole table is shared out by heap blocks (TID range scans, PostgreSQL 14+), not by keys: cut by keys, every
    /// connection would read the whole heap and throw half of it away. Each connection hashes its blocks into all the
    /// chunks, and the partial counts and sums (modulo 2^64) add up per chunk.
    /// </summary>
    private async Task<IReadOnlyList<ChunkHash>> HashByBlocksAsync(HashPlan plan, IReadOnlyList<KeyRange> ranges, CancellationToken cancellationToken)
    {
        var blocks = await session.RunAsync(async connection =>
        {
            await using var size = new NpgsqlCommand("SELECT pg_relation_size($1::regclass) / current_setting('block_size')::bigint", connection)
            {
                Parameters = { new() { Value = _relation } },
            };
            return (long)(await size.ExecuteScalarAsync(cancellationToken))!;
        }, cancellationToken);
        var parts = (int)Math.Clamp(blocks, 1, session.Degree);
        // The last part has no upper bound: the table may have grown past the size read, and the snapshot decides what counts.
        var filters = Enumerable.Range(0, parts).Select(i => string.Join(" AND ", new[]
        {
            i > 0 ? $"src.ctid >= '({blocks * i / parts},0)'::tid" : null,
            i < parts - 1 ? $"src.ctid < '({blocks * (i + 1) / parts},0)'::tid" : null,
        }.OfType<string>()));
        var partials = await Task.WhenAll(filters.Select(filter => HashGroupAsync(plan, [.. ranges], filter, cancellationToken)));
        return [.. ranges.Select((range, i) =>
        {
            long rows = 0;
            ulong hash = 0;
            foreach (var partial in partials)
            {
                rows += partial[i].Rows;
                unchecked { hash += partial[i].Hash; }
            }
            return new ChunkHash(range, rows, hash);
        })];
    }

    public async Task<IReadOnlyList<RowHash>> RowHashesAsync(HashPlan plan, KeyRange range, CancellationToken cancellationToken)
    {
        var shape = await DescribeAsync(cancellationToken);
        if (!shape.Locatable) throw new InvalidOperationException($"{Source.Name} has no key; its rows cannot be located");
        var sql = _sql!;
        var text = $"SELECT {sql.KeyText}, {SourceSql.RowHash(plan, _hashers)} FROM {sql.From}{sql.Where(range)}";
        return await session.RunAsync(async connection =>
        {
            await using var command = new NpgsqlCommand(text, connection);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var rows = new List<RowHash>();
            var keyColumns = sql.Key.Count;
            while (await reader.ReadAsync(cancellationToken))
            {
                var key = new string[keyColumns];
                for (var i = 0; i < keyColumns; i++) key[i] = reader.IsDBNull(i) ? "NULL" : reader.GetString(i);
                rows.Add(new RowHash(new RowKey(key), unchecked((ulong)reader.GetInt64(keyColumns))));
            }
            return rows;
        }, cancellationToken);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private async Task<IReadOnlyList<ChunkHash>> HashGroupAsync(HashPlan plan, KeyRange[] group, string? blockFilter, CancellationToken cancellationToken) =>
        [.. (await HashGroupAsync(plan, group, blockFilter, [], cancellationToken)).Select(c => new ChunkHash(c.Range, c.Rows, c.Hash))];

    /// <summary>
    /// Each range's count and row-hash sum, and with <paramref name="columns"/> each column's non-NULL count and hash
    /// sum too (the column hashed alone, as in the row hash), for a baseline that names the column that changed. One
    /// scan of the table either way, one query per group of ranges.
    /// </summary>
    public async Task<IReadOnlyList<BaselineChunk>> HashColumnsAsync(HashPlan plan, IReadOnlyList<KeyRange> ranges, CancellationToken cancellationToken)
    {
        await DescribeAsync(cancellationToken);
        if (ranges.Count == 0) return [];
        var groups = Math.Min(session.Degree, ranges.Count);
        var size = (ranges.Count + groups - 1) / groups;
        var work = ranges.Chunk(size).Select(group => HashGroupAsync(plan, group, null, plan.Columns, cancellationToken));
        return [.. (await Task.WhenAll(work)).SelectMany(g => g)];
    }

    private async Task<IReadOnlyList<BaselineChunk>> HashGroupAsync(HashPlan plan, KeyRange[] group, string? blockFilter,
        IReadOnlyList<ColumnInfo> columns, CancellationToken cancellationToken)
    {
        var sql = _sql!;
        var whole = new KeyRange(group[0].From, group[^1].To);
        var bounds = group.Skip(1).Select(r => sql.Literal(r.From!)).ToList();
        var bucket = bounds.Count == 0 ? "0" : $"width_bucket(k, ARRAY[{string.Join(", ", bounds)}])";
        var key = _shape!.Locatable ? sql.KeyExpression : "NULL";
        var where = _shape.Locatable ? sql.Where(whole) : "";
        if (!string.IsNullOrEmpty(blockFilter)) where = where.Length == 0 ? $" WHERE {blockFilter}" : $"{where} AND {blockFilter}";
        var perColumn = columns.Select((c, i) =>
            (Inner: $", {SourceSql.Column(c.Name)} IS NOT NULL AS v{i}, {SourceSql.RowHash(new HashPlan([c]) { Format = plan.Format }, _hashers)} AS h{i}",
             Outer: $", count(*) FILTER (WHERE v{i}), (coalesce(sum(h{i}), 0) % 18446744073709551616)::text")).ToList();
        var text = $"""
            SELECT {bucket} AS b, count(*), (coalesce(sum(h), 0) % 18446744073709551616)::text{string.Concat(perColumn.Select(c => c.Outer))}
            FROM (SELECT {key} AS k, {SourceSql.RowHash(plan, _hashers)} AS h{string.Concat(perColumn.Select(c => c.Inner))} FROM {sql.From}{where}) AS rows
            GROUP BY 1
            """;
        var found = await session.RunAsync(async connection =>
        {
            await using var command = new NpgsqlCommand(text, connection);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var byBucket = new Dictionary<int, (long Rows, ulong Hash, ColumnChunk[] Columns)>();
            while (await reader.ReadAsync(cancellationToken))
                byBucket[reader.GetInt32(0)] = (reader.GetInt64(1), Modulo(reader.GetString(2)),
                    [.. columns.Select((c, i) => new ColumnChunk(c.Name, reader.GetInt64(3 + 2 * i), Modulo(reader.GetString(4 + 2 * i))))]);
            return byBucket;
        }, cancellationToken);
        return [.. group.Select((range, i) => found.TryGetValue(i, out var c)
            ? new BaselineChunk(range, c.Rows, c.Hash, c.Columns)
            : new BaselineChunk(range, 0, 0, [.. columns.Select(col => new ColumnChunk(col.Name, 0, 0))]))];
    }

    // The server's sum is exact (numeric) and reduced into (-2^64, 2^64); bring it into [0, 2^64).
    private static ulong Modulo(string sum)
    {
        var value = BigInteger.Parse(sum, CultureInfo.InvariantCulture);
        if (value.Sign < 0) value += TwoTo64;
        return (ulong)value;
    }

    private async Task<IReadOnlyList<RowKey>> HistogramAsync(ColumnInfo key, int parts, CancellationToken cancellationToken)
    {
        var all = await session.RunAsync(async connection =>
        {
            await using var command = new NpgsqlCommand($"""
                SELECT b::text FROM unnest((
                    SELECT s.histogram_bounds::text FROM pg_stats s
                    JOIN pg_class c ON c.relname = s.tablename JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = s.schemaname
                    WHERE c.oid = $1::regclass AND s.attname = $2 AND NOT s.inherited)::{key.Type}[]) AS b
                """, connection) { Parameters = { new() { Value = _relation }, new() { Value = key.Name } } };
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var bounds = new List<string>();
            while (await reader.ReadAsync(cancellationToken)) bounds.Add(reader.GetString(0));
            return bounds;
        }, cancellationToken);
        // The first bound is the smallest value sampled; the inner bounds cut the rows into about equal parts.
        if (all.Count < 3) return [];
        if (parts - 1 > all.Count - 2 && IntegerTypes.Contains(key.Type)) return Subdivide(all, parts);
        var inner = all.Skip(1).Take(all.Count - 2).ToList();
        var wanted = Math.Min(parts - 1, inner.Count);
        return [.. Enumerable.Range(1, wanted).Select(i => inner[(int)((long)i * inner.Count / (wanted + 1))]).Distinct().Select(v => RowKey.Of(v))];
    }

    /// <summary>More chunks than the histogram has buckets (100 by default): each bucket holds about equal rows, so
    /// integer keys are cut evenly inside each bucket too. Smaller chunks make a difference cheaper to locate.</summary>
    private static IReadOnlyList<RowKey> Subdivide(List<string> histogram, int parts)
    {
        var bounds = histogram.Select(b => long.Parse(b, CultureInfo.InvariantCulture)).ToList();
        var perBucket = (parts + bounds.Count - 2) / (bounds.Count - 1);
        var points = new SortedSet<long>();
        for (var b = 0; b + 1 < bounds.Count; b++)
        {
            var span = (BigInteger)bounds[b + 1] - bounds[b];
            for (var i = b == 0 ? 1 : 0; i < perBucket; i++) points.Add((long)(bounds[b] + span * i / perBucket));
        }
        points.Remove(bounds[0]);
        return [.. points.Select(p => RowKey.Of(p.ToString(CultureInfo.InvariantCulture)))];
    }

    private async Task<IReadOnlyList<RowKey>> InterpolateAsync(SourceSql sql, KeyRange range, int parts, CancellationToken cancellationToken)
    {
        var key = sql.KeyExpression;
        var (min, max) = await session.RunAsync(async connection =>
        {
            await using var command = new NpgsqlCommand($"SELECT min({key})::bigint, max({key})::bigint FROM {sql.From}{sql.Where(range)}", connection);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            return reader.IsDBNull(0) ? ((long?)null, (long?)null) : (reader.GetInt64(0), reader.GetInt64(1));
        }, cancellationToken);
        if (min is not { } low || max is not { } high || high <= low) return [];
        var span = (BigInteger)high - low;
        var points = new SortedSet<long>();
        for (var i = 1; i < parts; i++)
        {
            var point = (long)(low + span * i / parts);
            if (point > low) points.Add(point);
        }
        return [.. points.Select(p => RowKey.Of(p.ToString(CultureInfo.InvariantCulture)))];
    }

    private async Task<IReadOnlyList<RowKey>> QuantilesAsync(SourceSql sql, KeyRange range, int parts, CancellationToken cancellationToken)
    {
        var keyColumns = sql.Key.Count;
        var text = $"""
            SELECT {string.Join(", ", Enumerable.Range(0, keyColumns).Select(i => $"k{i}"))} FROM (
                SELECT {string.Join(", ", sql.Key.Select((k, i) => $"{SourceSql.Column(k.Name)}::text AS k{i}"))},
                       row_number() OVER (ORDER BY {sql.OrderBy}) AS rn, count(*) OVER () AS n
                FROM {sql.From}{sql.Where(range)}) AS ranked
            WHERE rn > 1 AND (rn - 1) % greatest(ceil(n::numeric / {parts})::bigint, 1) = 0
            ORDER BY rn
            """;
        return await session.RunAsync(async connection =>
        {
            await using var command = new NpgsqlCommand(text, connection);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var keys = new List<RowKey>();
            while (await reader.ReadAsync(cancellationToken))
            {
                var key = new string[keyColumns];
                for (var i = 0; i < keyColumns; i++) key[i] = reader.GetString(i);
                keys.Add(new RowKey(key));
            }
            return keys;
        }, cancellationToken);
    }

    private async Task<(SourceShape, SourceSql, string?, IReadOnlyDictionary<string, TypeHasher>)> DescribeAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        string? relation = null;
        List<(string Name, string Type)> columns;
        IReadOnlyList<string> key;
        if (Source.Relation is { } name)
        {
            await using (var resolve = new NpgsqlCommand("SELECT to_regclass($1)::text", connection) { Parameters = { new() { Value = name } } })
                relation = await resolve.ExecuteScalarAsync(cancellationToken) as string
                    ?? throw SluiceException.Usage(ErrorCodes.BadSource, $"table '{name}' does not exist in {connection.Database}",
                        "name an existing table (schema.table)");
            columns = await ColumnsAsync(connection, relation, cancellationToken);
            key = Source.Key.Count > 0 ? Source.Key : await PrimaryKeyAsync(connection, relation, cancellationToken);
        }
        else
        {
            columns = await QueryColumnsAsync(connection, Source.Query!, cancellationToken);
            key = Source.Key;
        }
        var byName = columns.ToDictionary(c => c.Name, StringComparer.Ordinal);
        foreach (var k in key)
            if (!byName.ContainsKey(k))
                throw SluiceException.Usage(ErrorCodes.BadSource, $"key column '{k}' is not a column of {Source.Name}",
                    $"its columns are {string.Join(", ", columns.Select(c => c.Name))}");
        var hashing = new Dictionary<string, TypeHashing>(StringComparer.Ordinal);
        foreach (var type in columns.Select(c => c.Type).Distinct())
            hashing[type] = await session.HashingOfAsync(connection, type, cancellationToken);
        var infos = columns.Select(c => new ColumnInfo(c.Name, c.Type, hashing[c.Type].Hashable, hashing[c.Type].Hasher?.Function)).ToList();
        var from = relation is not null ? $"{relation} AS src" : $"({Source.Query}) AS src";
        var sql = new SourceSql(from, [.. key.Select(k => infos.First(c => c.Name == k))]);
        var byFunction = hashing.Values.Select(h => h.Hasher).OfType<TypeHasher>().DistinctBy(h => h.Function).ToDictionary(h => h.Function, StringComparer.Ordinal);
        return (new SourceShape(infos, key), sql, relation, byFunction);
    }

    private static async Task<List<(string, string)>> ColumnsAsync(NpgsqlConnection connection, string relation, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute
            WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum
            """, connection) { Parameters = { new() { Value = relation } } };
        return await ReadPairsAsync(command, cancellationToken);
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

    private static async Task<List<(string, string)>> ReadPairsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var pairs = new List<(string, string)>();
        while (await reader.ReadAsync(cancellationToken)) pairs.Add((reader.GetString(0), reader.GetString(1)));
        return pairs;
    }
}
