namespace Sluice.Fingerprints;

/// <summary>One column's share of a chunk: how many of its values are not NULL, and the sum (modulo 2^64) of its
/// values' hashes, so a comparison names the column that changed and not only the rows.</summary>
public sealed record ColumnChunk(string Column, long Values, ulong Hash);

/// <summary>A chunk's row count and row-hash sum (as in <see cref="ChunkHash"/>) with every column's own share.</summary>
public sealed record BaselineChunk(KeyRange Range, long Rows, ulong Hash, IReadOnlyList<ColumnChunk> Columns)
{
    public ColumnChunk? Column(string name) => Columns.FirstOrDefault(c => c.Column == name);
}

/// <summary>A table's data as it was before a plan's first destructive phase, per chunk and per column.</summary>
public sealed record TableBaseline(string Table, IReadOnlyList<string> Key, IReadOnlyList<ColumnInfo> Columns, IReadOnlyList<BaselineChunk> Chunks)
{
    public long Rows => Chunks.Sum(c => c.Rows);

    /// <summary>The split points between the chunks, so the table is cut the same way when it is compared.</summary>
    public IReadOnlyList<RowKey> Bounds => [.. Chunks.Skip(1).Select(c => c.Range.From!)];
}

/// <summary>Values of one column gone from rows that are still there.</summary>
/// <param name="Values">How many values are gone: the drop in non-NULL values beyond the rows removed.</param>
/// <param name="Before">The column's non-NULL values in the baseline.</param>
/// <param name="Ranges">The key ranges where they are gone.</param>
public sealed record LostValues(string Table, string Column, long Values, long Before, IReadOnlyList<KeyRange> Ranges)
{
    /// <summary>A few keys of rows in those ranges whose value is NULL now, when they could be read.</summary>
    public IReadOnlyList<RowKey> Keys { get; init; } = [];

    public override string ToString() =>
        $"{Table}.{Column}: {Values:N0} of its {Before:N0} value(s) are gone from rows that are still there, in {BaselineComparison.Ranges(Ranges)}"
        + (Keys.Count == 0 ? "" : $" (NULL now in rows {string.Join(", ", Keys)}{(Values > Keys.Count ? ", ..." : "")})");
}

/// <summary>How a table compares with its baseline.</summary>
/// <param name="Gone">The table no longer exists.</param>
/// <param name="Lost">Columns whose values are gone (rules 1-2 of <see cref="BaselineComparison"/>).</param>
/// <param name="Changed">Columns whose values differ in some key ranges, and where (rule 3).</param>
/// <param name="RowRanges">Key ranges whose rows were added or removed, or whose values moved between rows (rules 4-5).</param>
public sealed record TableDataCheck(string Table, long Rows, bool Gone, IReadOnlyList<LostValues> Lost,
    IReadOnlyList<(string Column, IReadOnlyList<KeyRange> Ranges)> Changed, IReadOnlyList<KeyRange> RowRanges)
{
    public bool Equal => !Gone && Lost.Count == 0 && Changed.Count == 0 && RowRanges.Count == 0;

    /// <summary>The differences that are not losses, readable.</summary>
    public IEnumerable<string> Differences()
    {
        foreach (var (column, ranges) in Changed) yield return $"{Table}.{column} differs in {BaselineComparison.Ranges(ranges)}";
        if (RowRanges.Count > 0) yield return $"{Table}: rows differ in {BaselineComparison.Ranges(RowRanges)}";
    }
}

/// <summary>
/// Compares a table with its baseline, chunk by chunk (both cut at the baseline's split points) and column by column:
/// <code>
/// #  seen                                                                            verdict
/// 1  the table, or one of its baseline columns, no longer exists                     lost: every value of it
/// 2  a column has fewer non-NULL values in a chunk than the baseline, beyond the      lost: that many values, in those ranges
///    rows the chunk lost (values gone from rows that are still there)
/// 3  a column's hash differs in a chunk whose row count is unchanged (and rule 2     changed: the column and the ranges
///    does not apply); in a chunk whose rows differ, rule 4 says it
/// 4  a chunk's row count differs                                                     rows differ: the ranges
/// 5  the row hashes differ while every column's count and hash agree (values moved    rows differ: the ranges
///    between rows)
/// 6  everything agrees                                                               equal
/// </code>
/// Only rules 1 and 2 prove a loss: an application writing to the table after the baseline adds, removes and
/// changes rows (rules 3-5), but does not empty a column of the rows it keeps.
/// </summary>
public static class BaselineComparison
{
    /// <param name="now">The table now, cut at <paramref name="before"/>'s bounds; null when it no longer exists.</param>
    public static TableDataCheck Compare(TableBaseline before, TableBaseline? now)
    {
        if (now is null)
            return new TableDataCheck(before.Table, before.Rows, true,
                [.. before.Columns.Select(c => Whole(before, c.Name)).Where(l => l.Values > 0)], [], []);
        var lost = new List<LostValues>();
        var changed = new List<(string, IReadOnlyList<KeyRange>)>();
        var nowChunks = now.Chunks.ToDictionary(c => c.Range);
        foreach (var column in before.Columns)
        {
            if (now.Columns.All(c => c.Name != column.Name))
            {
                if (Whole(before, column.Name) is { Values: > 0 } whole) lost.Add(whole);
                continue;
            }
            long gone = 0, had = 0;
            var goneIn = new List<KeyRange>();
            var differs = new List<KeyRange>();
            foreach (var chunk in before.Chunks)
            {
                var was = chunk.Column(column.Name)!;
                had += was.Values;
                var after = nowChunks.GetValueOrDefault(chunk.Range);
                var @is = after?.Column(column.Name) ?? new ColumnChunk(column.Name, 0, 0);
                var rowsRemoved = Math.Max(0, chunk.Rows - (after?.Rows ?? 0));
                var missing = was.Values - @is.Values - rowsRemoved;
                if (missing > 0)
                {
                    gone += missing;
                    goneIn.Add(chunk.Range);
                }
                else if (after?.Rows == chunk.Rows && (@is.Hash != was.Hash || @is.Values != was.Values)) differs.Add(chunk.Range);
            }
            if (gone > 0) lost.Add(new LostValues(before.Table, column.Name, gone, had, goneIn));
            else if (differs.Count > 0) changed.Add((column.Name, differs));
        }
        var rows = before.Chunks
            .Where(chunk => nowChunks.GetValueOrDefault(chunk.Range) is not { } after || after.Rows != chunk.Rows
                || after.Hash != chunk.Hash && before.Columns.All(c => after.Column(c.Name) == chunk.Column(c.Name)))
            .Select(c => c.Range).ToList();
        return new TableDataCheck(before.Table, before.Rows, false, lost, changed, rows);
    }

    private static LostValues Whole(TableBaseline before, string column) =>
        new(before.Table, column, before.Chunks.Sum(c => c.Column(column)?.Values ?? 0), before.Chunks.Sum(c => c.Column(column)?.Values ?? 0),
            [.. before.Chunks.Where(c => c.Column(column)?.Values > 0).Select(c => c.Range)]);

    /// <summary>The first few ranges, and how many more.</summary>
    public static string Ranges(IReadOnlyList<KeyRange> ranges) =>
        ranges.Count == 1 && ranges[0] == KeyRange.All ? "the whole table"
            : $"{ranges.Count} key range(s): {KeyRange.ListFirst(ranges)}";
}
