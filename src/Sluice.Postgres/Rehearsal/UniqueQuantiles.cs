namespace Sluice.Postgres.Rehearsal;

/// <summary>
/// <c>count</c> strictly ascending values that follow a histogram, value j computed in O(1): where a bucket has room
/// (its quantiles two grid steps apart or more) value j is its quantile <c>(j + 0.5) / count</c>, lifted past the
/// previous value when an earlier bucket overflowed; where it has not (more values than the bucket holds), the values
/// are consecutive grid steps from the previous one, spilling past the bucket's upper bound. The same values as
/// "quantiles, each raised to the next value after its predecessor" without computing them in sequence.
/// </summary>
internal sealed class UniqueQuantiles<T> where T : notnull
{
    private readonly double[] _bounds;
    private readonly int _count;
    private readonly Func<double, T> _fromNumber;
    private readonly SyntheticGrid<T> _grid;
    private readonly int[] _starts;   // first j of each bucket; one more entry: count
    private readonly long[] _floors;  // the lowest grid index a bucket's first value may take
    private readonly bool[] _roomy;

    /// <param name="bounds">The histogram's bounds on the type's number line, ascending.</param>
    public UniqueQuantiles(double[] bounds, int count, Func<double, T> fromNumber, SyntheticGrid<T> grid)
    {
        _bounds = bounds;
        _count = count;
        _fromNumber = fromNumber;
        _grid = grid;
        var buckets = Math.Max(1, bounds.Length - 1);
        _starts = new int[buckets + 1];
        for (var b = 1; b <= buckets; b++) _starts[b] = FirstAtOrAfter(b);
        _floors = new long[buckets];
        _roomy = new bool[buckets];
        long? last = null;
        for (var b = 0; b < buckets; b++)
        {
            int first = _starts[b], end = _starts[b + 1] - 1;
            if (end < first) continue;
            var lowest = QuantileIndex(first);
            _floors[b] = last is { } previous ? Math.Max(lowest, previous + 1) : lowest;
            _roomy[b] = end == first || (QuantileIndex(first + 1) - lowest >= 2 && QuantileIndex(end) - QuantileIndex(end - 1) >= 2);
            last = IndexOf(end, b);
        }
    }

    public T Value(int j) => _grid.Value(IndexOf(j, Bucket(j)));

    private long IndexOf(int j, int bucket)
    {
        var steps = _floors[bucket] + (j - _starts[bucket]);
        return _roomy[bucket] ? Math.Max(QuantileIndex(j), steps) : steps;
    }

    private long QuantileIndex(int j) => _grid.Index(_fromNumber(Histogram.Quantile(_bounds, Position(j))));

    private double Position(int j) => (j + 0.5) / _count;

    private int Bucket(int j) => Histogram.Bucket(_bounds, Position(j));

    // The first j whose quantile falls in bucket b or later (buckets ascend with j).
    private int FirstAtOrAfter(int bucket)
    {
        int low = 0, high = _count;
        while (low < high)
        {
            var middle = low + (high - low) / 2;
            if (Bucket(middle) < bucket) low = middle + 1;
            else high = middle;
        }
        return low;
    }
}
