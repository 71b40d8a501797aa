using System.Globalization;
using System.Numerics;
using Npgsql;
using Sluice.Fingerprints;

namespace Sluice.Postgres.Fingerprints;

/// <summary>
/// Reads hashes of one <see cref="FingerprintSource"/> through a <see cref="ReadSession"/>: hashes are computed by the
/// server (count and sum of 64-bit row hashes per chunk), chunk queries spread over the session's connections. The
/// source is described once (<see cref="DescribedSource"/>, on first use) and cut by <see cref="SplitPoints"/>; this
/// class only hashes.
/// </summary>
public sealed class PostgresFingerprintReader(ReadSession session, FingerprintSource source) : IFingerprintReader
{
    private static readonly BigInteger TwoTo64 = BigInteger.One << 64;
    private DescribedSource? _described;

    public FingerprintSource Source { get; } = source;

    public async Task<SourceShape> DescribeAsync(CancellationToken cancellationToken) => (await DescribedAsync(cancellationToken)).Shape;

    private async Task<DescribedSource> DescribedAsync(CancellationToken cancellationToken) =>
        _described ??= await SourceDescriber.DescribeAsync(session, Source, cancellationToken);

    public async Task<IReadOnlyList<RowKey>> SplitPointsAsync(KeyRange range, int parts, CancellationToken cancellationToken) =>
        await new SplitPoints(session, await DescribedAsync(cancellationToken)).OfAsync(range, parts, cancellationToken);

    public async Task<IReadOnlyList<ChunkHash>> HashChunksAsync(HashPlan plan, IReadOnlyList<KeyRange> ranges, CancellationToken cancellationToken)
    {
        var described = await DescribedAsync(cancellationToken);
        if (ranges.Count == 0) return [];
        if (described.Relation is not null && session.Degree > 1 && ranges[0].From is null && ranges[^1].To is null)
            return await HashByBlocksAsync(described, plan, ranges, cancellationToken);
        // Contiguous groups of chunks, one query (one index range scan) per connection.
        var groups = Math.Min(session.Degree, ranges.Count);
        var size = (ranges.Count + groups - 1) / groups;
        var work = ranges.Chunk(size).Select(group => HashGroupAsync(described, plan, group, null, cancellationToken));
        return [.. (await Task.WhenAll(work)).SelectMany(g => g)];
    }

    /// <summary>
    /// A whole table is shared out by heap blocks (TID range scans, PostgreSQL 14+), not by keys: cut by keys, every
    /// connection would read the whole heap and throw half of it away. Each connection hashes its blocks into all the
    /// chunks, and the partial counts and sums (modulo 2^64) add up per chunk.
    /// </summary>
    private async Task<IReadOnlyList<ChunkHash>> HashByBlocksAsync(DescribedSource described, HashPlan plan, IReadOnlyList<KeyRange> ranges,
        CancellationToken cancellationToken)
    {
        var blocks = await session.RunAsync(async connection =>
        {
            await using var size = new NpgsqlCommand("SELECT pg_relation_size($1::regclass) / current_setting('block_size')::bigint", connection)
            {
                Parameters = { new() { Value = described.Relation } },
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
        var partials = await Task.WhenAll(filters.Select(filter => HashGroupAsync(described, plan, [.. ranges], filter, cancellationToken)));
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
        var described = await DescribedAsync(cancellationToken);
        if (!described.Shape.Locatable) throw new InvalidOperationException($"{Source.Name} has no key; its rows cannot be located");
        var sql = described.Sql;
        var text = $"SELECT {sql.KeyText}, {described.RowHash(plan)} FROM {sql.From}{sql.Where(range)}";
        return await session.RunAsync(async connection =>
        {
            await using var command = new NpgsqlCommand(text, connection) { CommandTimeout = 0 }; // a long read: a pooled connection's timeout would cut it
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

    private async Task<IReadOnlyList<ChunkHash>> HashGroupAsync(DescribedSource described, HashPlan plan, KeyRange[] group, string? blockFilter,
        CancellationToken cancellationToken) =>
        [.. (await HashGroupAsync(described, plan, group, blockFilter, [], cancellationToken)).Select(c => new ChunkHash(c.Range, c.Rows, c.Hash))];

    /// <summary>
    /// Each range's count and row-hash sum, and with the plan's columns each column's non-NULL count and hash
    /// sum too (the column hashed alone, as in the row hash), for a baseline that names the column that changed. One
    /// scan of the table either way, one query per group of ranges.
    /// </summary>
    public async Task<IReadOnlyList<BaselineChunk>> HashColumnsAsync(HashPlan plan, IReadOnlyList<KeyRange> ranges, CancellationToken cancellationToken)
    {
        var described = await DescribedAsync(cancellationToken);
        if (ranges.Count == 0) return [];
        var groups = Math.Min(session.Degree, ranges.Count);
        var size = (ranges.Count + groups - 1) / groups;
        var work = ranges.Chunk(size).Select(group => HashGroupAsync(described, plan, group, null, plan.Columns, cancellationToken));
        return [.. (await Task.WhenAll(work)).SelectMany(g => g)];
    }

    private async Task<IReadOnlyList<BaselineChunk>> HashGroupAsync(DescribedSource described, HashPlan plan, KeyRange[] group, string? blockFilter,
        IReadOnlyList<ColumnInfo> columns, CancellationToken cancellationToken)
    {
        var sql = described.Sql;
        var whole = new KeyRange(group[0].From, group[^1].To);
        var bounds = group.Skip(1).Select(r => sql.Literal(r.From!)).ToList();
        var bucket = bounds.Count == 0 ? "0" : $"width_bucket(k, ARRAY[{string.Join(", ", bounds)}])";
        var key = described.Shape.Locatable ? sql.KeyExpression : "NULL";
        var where = described.Shape.Locatable ? sql.Where(whole) : "";
        if (!string.IsNullOrEmpty(blockFilter)) where = where.Length == 0 ? $" WHERE {blockFilter}" : $"{where} AND {blockFilter}";
        var perColumn = columns.Select((c, i) =>
            (Inner: $", {SourceSql.Column(c.Name)} IS NOT NULL AS v{i}, {described.RowHash(new HashPlan([c]) { Format = plan.Format })} AS h{i}",
             Outer: $", count(*) FILTER (WHERE v{i}), (coalesce(sum(h{i}), 0) % 18446744073709551616)::text")).ToList();
        var text = $"""
            SELECT {bucket} AS b, count(*), (coalesce(sum(h), 0) % 18446744073709551616)::text{string.Concat(perColumn.Select(c => c.Outer))}
            FROM (SELECT {key} AS k, {described.RowHash(plan)} AS h{string.Concat(perColumn.Select(c => c.Inner))} FROM {sql.From}{where}) AS rows
            GROUP BY 1
            """;
        var found = await session.RunAsync(async connection =>
        {
            await using var command = new NpgsqlCommand(text, connection) { CommandTimeout = 0 }; // a long read: a pooled connection's timeout would cut it
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
}
