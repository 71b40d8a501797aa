using System.Buffers.Binary;
using System.Globalization;
using Sluice.Rehearsal.Profiles;

namespace Sluice.Postgres.Rehearsal;

/// <summary>
/// Generates one column from its statistics without sampling noise: NULLs exactly at the null fraction, each most
/// common value exactly at its frequency, the remaining rows spread evenly over as many distinct values as the
/// profile counts, placed at the histogram's quantiles (interpolated inside buckets for ordered types). The values are
/// then placed on rows by a seeded permutation, or in value order when the profile's correlation says they are
/// ordered. Unique columns take a strictly ascending run of candidates (<see cref="UniqueQuantiles{T}"/>): no retry
/// loop can be needed.
/// </summary>
/// <remarks>
/// Every value is a function of its index, computed when its row is written (<see cref="ColumnValues{T}"/>,
/// <see cref="ShuffledRows{T}"/>, <see cref="OrderedRows{T}"/>): the generator's memory does not grow with the rows.
/// Up to <see cref="CachedCandidates"/> distinct candidates are computed once and looked up (most columns: categories,
/// prices, quantities); more are computed per row.
/// </remarks>
internal sealed class SyntheticColumnFactory<T>(SyntheticValueType<T> type) : ISyntheticColumnFactory where T : notnull
{
    private const double OrderedCorrelation = 0.9;
    private const int CachedCandidates = 1 << 16;

    public ISyntheticColumn Generate(ColumnSpec spec, Random random)
    {
        var stats = spec.Statistics;
        var n = spec.Rows;
        var nullCount = spec.NotNull || stats is null ? 0 : (int)Math.Min(n, Math.Round(stats.NullFraction * n));
        var nonNull = n - nullCount;

        ColumnValues<T> values;
        if (spec.Unique)
        {
            values = new ColumnValues<T>(n, nullCount, [], nonNull, UniqueCandidates(spec, nonNull, random));
        }
        else
        {
            var mostCommon = MostCommonCounts(stats, n, nonNull);
            var rest = nonNull - mostCommon.Sum(m => m.Count);
            Func<int, T> restValue = _ => throw new InvalidOperationException("no rows beyond the most common values");
            if (rest > 0)
            {
                var distinct = stats is null ? Math.Max(1, rest) : stats.DistinctCount(n) - mostCommon.Count;
                // Rounding leaves a few rows over when the most common values cover every value: give them those.
                var (count, candidate) = mostCommon.Count > 0 && (stats?.HistogramBounds.Count ?? 0) == 0
                    ? (mostCommon.Count, (Func<int, T>)(i => mostCommon[i].Value))
                    : Candidates(spec, (int)Math.Clamp(distinct, 1, rest), random);
                candidate = Cached(count, AvoidMostCommon(candidate, mostCommon));
                restValue = r => candidate((int)Math.Min(count - 1, (r + 0.5) * count / rest));
            }
            values = new ColumnValues<T>(n, nullCount, mostCommon, rest, restValue);
        }

        IColumnRows<T> rows = stats?.Correlation is { } c && Math.Abs(c) >= OrderedCorrelation
            ? new OrderedRows<T>(values, type.Order, descending: c < 0)
            : new ShuffledRows<T>(values, new SeededPermutation(n, random));
        return new SyntheticColumn<T>(spec.Name, type, rows);
    }

    private static Func<int, T> Cached(int count, Func<int, T> candidate)
    {
        if (count > CachedCandidates) return candidate;
        var cache = new T[count];
        for (var j = 0; j < count; j++) cache[j] = candidate(j);
        return j => cache[j];
    }

    // A histogram value that lands on a most common value would raise that value's frequency: move it along
    // (a handful of steps at most; the values between two bounds are many when the bounds are far apart).
    private Func<int, T> AvoidMostCommon(Func<int, T> candidate, List<(T Value, int Count)> mostCommon)
    {
        if (type.Grid is not { } grid || mostCommon.Count == 0) return candidate;
        var common = mostCommon.Select(m => m.Value).ToHashSet();
        return j =>
        {
            var value = candidate(j);
            for (var step = 0; step < 8 && common.Contains(value); step++) value = grid.Next(value);
            return value;
        };
    }

    private List<(T Value, int Count)> MostCommonCounts(ColumnProfile? stats, int rows, int nonNull)
    {
        var result = new List<(T, int)>();
        if (stats is null) return result;
        var used = 0;
        foreach (var common in stats.MostCommon)
        {
            var count = (int)Math.Min(nonNull - used, Math.Round(common.Frequency * rows));
            if (count <= 0) continue;
            result.Add((type.Parse(common.Value), count));
            used += count;
        }
        return result;
    }

    // Distinct values in ascending order at evenly spaced quantiles of the histogram: how many, and the j-th.
    private (int Count, Func<int, T> Value) Candidates(ColumnSpec spec, int count, Random random)
    {
        var bounds = spec.Statistics?.HistogramBounds ?? [];
        if (bounds.Count == 0) return (count, Placeholders(spec, random));
        if (type.ToNumber is { } toNumber && type.FromNumber is { } fromNumber)
        {
            var numbers = bounds.Select(b => toNumber(type.Parse(b))).ToArray();
            return (count, j => fromNumber(Histogram.Quantile(numbers, (j + 0.5) / count)));
        }
        if (typeof(T) == typeof(string))
        {
            var text = bounds.ToArray();
            if (spec.Closed || count <= text.Length)
            {
                // Only values the profile saw: evenly spaced bounds.
                var take = Math.Min(count, text.Length);
                return (take, j => (T)(object)text[take == 1 ? 0 : (int)Math.Round((double)j * (text.Length - 1) / (take - 1))]);
            }
            // More distinct values than bounds: invent values inside each bucket, after its lower bound in sort order.
            var buckets = Math.Max(1, text.Length - 1);
            return (count, j =>
            {
                var bucket = Math.Min(buckets - 1, (int)((long)j * buckets / count));
                var first = (int)Math.Ceiling((double)bucket * count / buckets);
                return (T)(object)(j == first ? text[bucket] : $"{text[bucket]}~{(j - first).ToString(CultureInfo.InvariantCulture)}");
            });
        }
        T[] seen = [.. bounds.Select(type.Parse).Distinct().Take(count)];
        return (seen.Length, j => seen[j]);
    }

    private Func<int, T> UniqueCandidates(ColumnSpec spec, int count, Random random)
    {
        var bounds = spec.Statistics?.HistogramBounds ?? [];
        if (typeof(T) == typeof(string))
        {
            // A distinct suffix per row keeps every value apart and close to its quantile's bound in sort order.
            if (bounds.Count == 0) return Placeholders(spec, random);
            var text = bounds.ToArray();
            var buckets = Math.Max(1, text.Length - 1);
            return j => (T)(object)$"{text[Math.Min(buckets - 1, (int)((long)j * buckets / count))]}~{j.ToString(CultureInfo.InvariantCulture)}";
        }
        if (bounds.Count == 0 || type.Grid is not { } grid || type.ToNumber is not { } toNumber || type.FromNumber is not { } fromNumber)
            return Placeholders(spec, random);
        var quantiles = new UniqueQuantiles<T>([.. bounds.Select(b => toNumber(type.Parse(b)))], count, fromNumber, grid);
        return quantiles.Value;
    }

    // Values for a column the profile says nothing about (empty table, or a sensitive column that lost its values),
    // all distinct: the j-th.
    private Func<int, T> Placeholders(ColumnSpec spec, Random random)
    {
        if (typeof(T) == typeof(string)) return j => (T)(object)$"{spec.Name}-{j.ToString(CultureInfo.InvariantCulture)}";
        if (typeof(T) == typeof(Guid))
        {
            // Random-looking and distinct by construction: the first half is a bijection of j.
            var (first, second) = ((ulong)random.NextInt64(), (ulong)random.NextInt64());
            return j => (T)(object)PlaceholderGuid((ulong)j, first, second);
        }
        if (typeof(T) == typeof(bool)) return j => (T)(object)(j % 2 == 1);
        if (type.FromNumber is { } from) return j => from(j + 1);
        throw new InvalidOperationException($"no placeholder for {typeof(T)}");
    }

    private static Guid PlaceholderGuid(ulong j, ulong first, ulong second)
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, SeededPermutation.Scramble(j ^ first));
        BinaryPrimitives.WriteUInt64LittleEndian(bytes[8..], SeededPermutation.Scramble(j + second));
        return new Guid(bytes);
    }
}
