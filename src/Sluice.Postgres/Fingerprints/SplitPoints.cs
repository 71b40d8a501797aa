using System.Globalization;
using System.Numerics;
using Npgsql;
using Sluice.Fingerprints;

namespace Sluice.Postgres.Fingerprints;

/// <summary>
/// Where to cut one described source into chunks of about equal rows, cheapest way first:
/// <list type="number">
/// <item>a whole table with a one-column key: the inner bounds of the key's histogram (<c>pg_stats</c>), subdivided
/// evenly when an integer key needs more chunks than the histogram has buckets;</item>
/// <item>a one-column integer key (no histogram, or part of the keys): evenly between its minimum and maximum;</item>
/// <item>a whole source otherwise: no cut (without statistics a whole table is one chunk; bisection cuts it by counting
/// keys when it must);</item>
/// <item>part of the keys otherwise: every n-th key in key order (quantiles counted by the server).</item>
/// </list>
/// A source without a key, or fewer than two parts asked for, is not cut.
/// </summary>
internal sealed class SplitPoints(ReadSession session, DescribedSource source)
{
    private static readonly HashSet<string> IntegerTypes = ["smallint", "integer", "bigint"];

    /// <summary>Up to <paramref name="parts"/> - 1 ascending keys that cut <paramref name="range"/>.</summary>
    public async Task<IReadOnlyList<RowKey>> OfAsync(KeyRange range, int parts, CancellationToken cancellationToken)
    {
        var sql = source.Sql;
        if (!source.Shape.Locatable || parts < 2) return [];
        if (range == KeyRange.All && sql.Key.Count == 1 && source.Relation is not null)
        {
            var histogram = await HistogramAsync(sql.Key[0], parts, cancellationToken);
            if (histogram.Count > 0) return histogram;
        }
        if (sql.Key.Count == 1 && IntegerTypes.Contains(sql.Key[0].Type)) return await InterpolateAsync(range, parts, cancellationToken);
        if (range == KeyRange.All) return [];
        return await QuantilesAsync(range, parts, cancellationToken);
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
                """, connection) { Parameters = { new() { Value = source.Relation }, new() { Value = key.Name } } };
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

    private async Task<IReadOnlyList<RowKey>> InterpolateAsync(KeyRange range, int parts, CancellationToken cancellationToken)
    {
        var sql = source.Sql;
        var key = sql.KeyExpression;
        var (min, max) = await session.RunAsync(async connection =>
        {
            await using var command = new NpgsqlCommand($"SELECT min({key})::bigint, max({key})::bigint FROM {sql.From}{sql.Where(range)}", connection) { CommandTimeout = 0 }; // a scan when the key has no index
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

    private async Task<IReadOnlyList<RowKey>> QuantilesAsync(KeyRange range, int parts, CancellationToken cancellationToken)
    {
        var sql = source.Sql;
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
            await using var command = new NpgsqlCommand(text, connection) { CommandTimeout = 0 }; // a long read: a pooled connection's timeout would cut it
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
}
