using System.Globalization;
using Sluice.Rehearsal.Profiles;
using Sluice.Rehearsal.Synthetic;

namespace Sluice.Postgres.Rehearsal;

/// <summary>
/// Generates one column from its statistics without sampling noise: NULLs exactly at the null fraction, each most
/// common value exactly at its frequency, the remaining rows spread evenly over as many distinct values as the
/// profile counts, placed at the histogram's quantiles (interpolated inside buckets for ordered types). The rows are
/// then shuffled by the seeded random source, or kept in order when the profile's correlation says they are ordered.
/// Unique columns take a sorted run of distinct candidates, permuted: no retry loop can be needed.
/// </summary>
internal sealed class SyntheticColumnFactory<T>(SyntheticValueType<T> type) : ISyntheticColumnFactory where T : notnull
{
    private const double OrderedCorrelation = 0.9;

    public ISyntheticColumn Generate(ColumnSpec spec, Random random)
    {
        var stats = spec.Statistics;
        var n = spec.Rows;
        var nullCount = spec.NotNull || stats is null ? 0 : (int)Math.Min(n, Math.Round(stats.NullFraction * n));
        var nonNull = n - nullCount;
        var values = new T[n];
        var nulls = new bool[n];
        for (var i = 0; i < nullCount; i++) nulls[i] = true;

        var filled = nullCount;
        if (spec.Unique)
        {
            foreach (var value in UniqueCandidates(spec, nonNull, random)) values[filled++] = value;
        }
        else
        {
            var mostCommon = MostCommonCounts(stats, n, nonNull);
            foreach (var (value, count) in mostCommon)
                for (var i = 0; i < count; i++) values[filled++] = value;
            var rest = n - filled;
            if (rest > 0)
            {
                var distinct = stats is null ? Math.Max(1, rest) : stats.DistinctCount(n) - mostCommon.Count;
                // Rounding leaves a few rows over when the most common values cover every value: give them those.
                var candidates = mostCommon.Count > 0 && (stats?.HistogramBounds.Count ?? 0) == 0
                    ? [.. mostCommon.Select(m => m.Value)]
                    : Candidates(spec, (int)Math.Clamp(distinct, 1, rest), random);
                AvoidMostCommon(candidates, mostCommon);
                for (var r = 0; r < rest; r++)
                    values[filled++] = candidates[(int)Math.Min(candidates.Count - 1, (r + 0.5) * candidates.Count / rest)];
            }
        }

        Place(values, nulls, stats?.Correlation, random);
        return new SyntheticColumn<T>(spec.Name, type, values, nulls);
    }

    // A histogram value that lands on a most common value would raise that value's frequency: move it along
    // (a handful of steps at most; the values between two bounds are many when the bounds are far apart).
    private void AvoidMostCommon(List<T> candidates, List<(T Value, int Count)> mostCommon)
    {
        if (type.Next is not { } next || mostCommon.Count == 0) return;
        var common = mostCommon.Select(m => m.Value).ToHashSet();
        for (var i = 0; i < candidates.Count; i++)
            for (var step = 0; step < 8 && common.Contains(candidates[i]); step++) candidates[i] = next(candidates[i]);
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

    // Distinct values in ascending order at evenly spaced quantiles of the histogram.
    private List<T> Candidates(ColumnSpec spec, int count, Random random)
    {
        var bounds = spec.Statistics?.HistogramBounds ?? [];
        if (bounds.Count == 0) return Placeholders(spec, count, random);
        if (type.ToNumber is { } toNumber && type.FromNumber is { } fromNumber)
        {
            var numbers = bounds.Select(b => toNumber(type.Parse(b))).ToArray();
            var result = new List<T>(count);
            for (var j = 0; j < count; j++) result.Add(fromNumber(Quantile(numbers, (j + 0.5) / count)));
            return result;
        }
        if (typeof(T) == typeof(string))
        {
            var result = new List<T>(count);
            if (spec.Closed || count <= bounds.Count)
            {
                // Only values the profile saw: evenly spaced bounds.
                var take = Math.Min(count, bounds.Count);
                for (var j = 0; j < take; j++) result.Add(type.Parse(bounds[take == 1 ? 0 : (int)Math.Round((double)j * (bounds.Count - 1) / (take - 1))]));
                return result;
            }
            // More distinct values than bounds: invent values inside each bucket, after its lower bound in sort order.
            var buckets = Math.Max(1, bounds.Count - 1);
            for (var j = 0; j < count; j++)
            {
                var bucket = Math.Min(buckets - 1, (int)((long)j * buckets / count));
                var first = (int)Math.Ceiling((double)bucket * count / buckets);
                result.Add((T)(object)(j == first ? bounds[bucket] : $"{bounds[bucket]}~{(j - first).ToString(CultureInfo.InvariantCulture)}"));
            }
            return result;
        }
        return [.. bounds.Select(type.Parse).Distinct().Take(count)];
    }

    private IEnumerable<T> UniqueCandidates(ColumnSpec spec, int count, Random random)
    {
        if (count == 0) return [];
        var bounds = spec.Statistics?.HistogramBounds ?? [];
        if (typeof(T) == typeof(string))
        {
            // A distinct suffix per row keeps every value apart and close to its quantile's bound in sort order.
            if (bounds.Count == 0) return Placeholders(spec, count, random);
            var buckets = Math.Max(1, bounds.Count - 1);
            return Enumerable.Range(0, count).Select(j => (T)(object)$"{bounds[Math.Min(buckets - 1, (int)((long)j * buckets / count))]}~{j.ToString(CultureInfo.InvariantCulture)}");
        }
        var candidates = bounds.Count == 0 || type.Next is null ? Placeholders(spec, count, random) : Candidates(spec, count, random);
        if (type.Next is { } next)
            for (var i = 1; i < candidates.Count; i++)
                if (type.Order.Compare(candidates[i], candidates[i - 1]) <= 0) candidates[i] = next(candidates[i - 1]);
        return candidates;
    }

    // Values for a column the profile says nothing about (empty table, or a sensitive column that lost its values).
    private List<T> Placeholders(ColumnSpec spec, int count, Random random)
    {
        var result = new List<T>(count);
        object Make(int j) => typeof(T) switch
        {
            var t when t == typeof(string) => $"{spec.Name}-{j.ToString(CultureInfo.InvariantCulture)}",
            var t when t == typeof(Guid) => new Guid(RandomBytes(random)),
            var t when t == typeof(bool) => j % 2 == 1,
            _ => type.FromNumber is { } from ? from(j + 1) : throw new InvalidOperationException($"no placeholder for {typeof(T)}"),
        };
        for (var j = 0; j < count; j++) result.Add((T)Make(j));
        return result;
    }

    private static byte[] RandomBytes(Random random)
    {
        var bytes = new byte[16];
        random.NextBytes(bytes);
        return bytes;
    }

    private static double Quantile(double[] bounds, double q)
    {
        if (bounds.Length == 1) return bounds[0];
        var position = q * (bounds.Length - 1);
        var bucket = Math.Min(bounds.Length - 2, (int)position);
        var fraction = position - bucket;
        return bounds[bucket] + fraction * (bounds[bucket + 1] - bounds[bucket]);
    }

    private void Place(T[] values, bool[] nulls, double? correlation, Random random)
    {
        // Fisher-Yates on both arrays with the same draws (the rows an index shuffle would give, without copying the
        // column three times: at 10M rows those copies were most of the generator's peak memory).
        for (var i = values.Length - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (values[i], values[j]) = (values[j], values[i]);
            (nulls[i], nulls[j]) = (nulls[j], nulls[i]);
        }
        if (correlation is not { } c || Math.Abs(c) < OrderedCorrelation) return;
        // Physical order follows value order: sort the non-null values into the non-null slots.
        if (!nulls.Contains(true))
        {
            Array.Sort(values, type.Order);
            if (c < 0) Array.Reverse(values);
            return;
        }
        var positions = Enumerable.Range(0, values.Length).Where(i => !nulls[i]).ToArray();
        var sorted = positions.Select(i => values[i]).ToArray();
        Array.Sort(sorted, type.Order);
        if (c < 0) Array.Reverse(sorted);
        for (var k = 0; k < positions.Length; k++) values[positions[k]] = sorted[k];
    }
}
