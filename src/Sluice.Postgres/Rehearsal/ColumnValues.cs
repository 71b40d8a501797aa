namespace Sluice.Postgres.Rehearsal;

/// <summary>
/// The multiset of one column's values, before they are placed on rows: <see cref="NullCount"/> NULLs, then each most
/// common value a run of exactly its count, then the rest, a function of its index. Nothing here grows with the rows;
/// the k-th value is computed in O(log most-common values).
/// </summary>
internal sealed class ColumnValues<T> where T : notnull
{
    private readonly T[] _common;
    private readonly int[] _commonEnds;
    private readonly Func<int, T> _rest;

    /// <param name="rest">The i-th of the <paramref name="restCount"/> values after the most common runs.</param>
    public ColumnValues(int count, int nullCount, IReadOnlyList<(T Value, int Count)> mostCommon, int restCount, Func<int, T> rest)
    {
        Count = count;
        NullCount = nullCount;
        _common = [.. mostCommon.Select(m => m.Value)];
        _commonEnds = new int[mostCommon.Count];
        var end = 0;
        for (var i = 0; i < mostCommon.Count; i++) _commonEnds[i] = end += mostCommon[i].Count;
        CommonTotal = end;
        RestCount = restCount;
        _rest = rest;
        if (nullCount + end + restCount != count)
            throw new ArgumentException($"{nullCount} NULLs, {end} most common and {restCount} other values do not make {count} rows", nameof(restCount));
    }

    public int Count { get; }

    public int NullCount { get; }

    public int NonNull => Count - NullCount;

    /// <summary>Rows held by the most common values together.</summary>
    public int CommonTotal { get; }

    public int RestCount { get; }

    public IReadOnlyList<T> Common => _common;

    /// <summary>How many rows most common value <paramref name="index"/> holds.</summary>
    public int CommonCount(int index) => _commonEnds[index] - (index == 0 ? 0 : _commonEnds[index - 1]);

    /// <summary>The k-th non-null value: the most common runs in the profile's order, then the rest by index.</summary>
    public T NonNullAt(int k)
    {
        if (k >= CommonTotal) return _rest(k - CommonTotal);
        // The first run whose end lies past k.
        var found = Array.BinarySearch(_commonEnds, k + 1);
        return _common[found >= 0 ? found : ~found];
    }

    public T Rest(int index) => _rest(index);
}
