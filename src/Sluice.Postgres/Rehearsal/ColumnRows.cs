namespace Sluice.Postgres.Rehearsal;

/// <summary>A column's values on rows in a seeded random order: row i holds position <c>permutation(i)</c> of the
/// values (positions below the null count are NULL), the same rows a shuffle of the whole column would give in
/// distribution, without holding the column.</summary>
internal sealed class ShuffledRows<T>(ColumnValues<T> values, SeededPermutation permutation) : IColumnRows<T> where T : notnull
{
    public int Count => values.Count;

    public bool TryGet(int row, out T value)
    {
        var position = permutation.Map(row);
        if (position < values.NullCount)
        {
            value = default!;
            return false;
        }
        value = values.NonNullAt(position - values.NullCount);
        return true;
    }
}

/// <summary>
/// A column whose physical order follows its value order (the profile's correlation is near ±1): the non-null values
/// in ascending (or descending) order, NULLs spread evenly among them. Evenly rather than at random so that row i's
/// rank among the non-null rows is <c>i - ⌊i·nulls/rows⌋</c>, O(1) without a count of the rows before it.
/// </summary>
/// <remarks>The values in order merge the most common runs into the rest, which is generated in ascending order
/// (quantiles of the histogram); each run goes where a binary search over the rest places it.</remarks>
internal sealed class OrderedRows<T> : IColumnRows<T> where T : notnull
{
    private readonly ColumnValues<T> _values;
    private readonly bool _descending;
    private readonly int[] _runs;          // most common values by value order (indexes into Common)
    private readonly long[] _runStarts;    // where each run starts among the ordered non-null values
    private readonly long[] _commonBefore; // rows of the runs before each run

    public OrderedRows(ColumnValues<T> values, IComparer<T> order, bool descending)
    {
        _values = values;
        _descending = descending;
        _runs = [.. Enumerable.Range(0, values.Common.Count).OrderBy(i => values.Common[i], order)];
        _runStarts = new long[_runs.Length];
        _commonBefore = new long[_runs.Length];
        long before = 0;
        var inserted = 0;
        for (var r = 0; r < _runs.Length; r++)
        {
            // The rest's values below this one go first; never before the previous run (the rest is only nearly
            // ascending where a value was moved off a most common one).
            inserted = Math.Max(inserted, LowerBound(values, values.Common[_runs[r]], order));
            _runStarts[r] = inserted + before;
            _commonBefore[r] = before;
            before += values.CommonCount(_runs[r]);
        }
    }

    public int Count => _values.Count;

    public bool TryGet(int row, out T value)
    {
        long rows = _values.Count, nulls = _values.NullCount;
        var nullsBefore = row * nulls / rows;
        if ((row + 1) * nulls / rows > nullsBefore)
        {
            value = default!;
            return false;
        }
        var rank = row - nullsBefore;
        value = InOrder(_descending ? _values.NonNull - 1 - rank : rank);
        return true;
    }

    private T InOrder(long k)
    {
        // The last run that starts at or before k (each run holds a row at least, so the starts strictly ascend).
        var found = Array.BinarySearch(_runStarts, k);
        var run = found >= 0 ? found : ~found - 1;
        if (run < 0) return _values.Rest((int)k);
        var common = _runs[run];
        var count = _values.CommonCount(common);
        return k - _runStarts[run] < count ? _values.Common[common] : _values.Rest((int)(k - _commonBefore[run] - count));
    }

    // How many of the rest's values are below the given one (the rest ascending).
    private static int LowerBound(ColumnValues<T> values, T value, IComparer<T> order)
    {
        int low = 0, high = values.RestCount;
        while (low < high)
        {
            var middle = low + (high - low) / 2;
            if (order.Compare(values.Rest(middle), value) < 0) low = middle + 1;
            else high = middle;
        }
        return low;
    }
}

/// <summary>A foreign key's rows: row i holds the parent's row <c>rows[i]</c>, computed when it is read (the one array
/// a foreign key holds, four bytes a row).</summary>
internal sealed class PickedRows<T>(IColumnRows<T> parent, int[] rows) : IColumnRows<T>
{
    public int Count => rows.Length;

    public bool TryGet(int row, out T value)
    {
        var parentRow = rows[row];
        if (parentRow >= 0) return parent.TryGet(parentRow, out value);
        value = default!;
        return false;
    }
}
