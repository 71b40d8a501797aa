using Sluice.Fingerprints;

namespace Sluice.Tests.Fingerprints;

/// <summary>The rules of <see cref="BaselineComparison"/>, row by row, on two chunks of a table (id, name).</summary>
public sealed class BaselineComparisonTests
{
    private static readonly KeyRange Low = new(null, RowKey.Of("100"));
    private static readonly KeyRange High = new(RowKey.Of("100"), null);

    private static BaselineChunk Chunk(KeyRange range, long rows, ulong hash, long names, ulong nameHash) =>
        new(range, rows, hash, [new ColumnChunk("id", rows, (ulong)rows), new ColumnChunk("name", names, nameHash)]);

    private static TableBaseline Table(params BaselineChunk[] chunks) =>
        new("customers", ["id"], [new ColumnInfo("id", "bigint", true), new ColumnInfo("name", "text", true)], chunks);

    private static readonly TableBaseline Before = Table(Chunk(Low, 99, 1, 99, 10), Chunk(High, 100, 2, 100, 20));

    [Fact]
    public void Rule_1_a_table_or_a_column_that_is_gone_loses_every_value()
    {
        var gone = BaselineComparison.Compare(Before, null);
        Assert.True(gone.Gone);
        Assert.Equal([("id", 199L), ("name", 199L)], gone.Lost.Select(l => (l.Column, l.Values)));
        var noName = Before with { Columns = [Before.Columns[0]], Chunks = [.. Before.Chunks.Select(c => c with { Columns = [c.Columns[0]] })] };
        Assert.Equal("customers.name: 199 of its 199 value(s) are gone from rows that are still there, in 2 key range(s): [start .. 100), [100 .. end)",
            Assert.Single(BaselineComparison.Compare(Before, noName).Lost).ToString());
    }

    [Fact]
    public void Rule_2_values_gone_from_rows_still_there_are_lost_beyond_the_rows_removed()
    {
        var emptied = BaselineComparison.Compare(Before, Table(Chunk(Low, 99, 1, 99, 10), Chunk(High, 100, 3, 0, 0)));
        var lost = Assert.Single(emptied.Lost);
        Assert.Equal(("name", 100L, 199L), (lost.Column, lost.Values, lost.Before));
        Assert.Equal([High], lost.Ranges);
        // Ten rows deleted with their names is not a loss (rule 4 reports the rows).
        var deleted = BaselineComparison.Compare(Before, Table(Chunk(Low, 99, 1, 99, 10), Chunk(High, 90, 5, 90, 21)));
        Assert.Empty(deleted.Lost);
        Assert.Equal([High], deleted.RowRanges);
    }

    [Fact]
    public void Rule_3_a_column_changed_in_a_chunk_whose_rows_are_unchanged()
    {
        var changed = BaselineComparison.Compare(Before, Table(Chunk(Low, 99, 7, 99, 11), Chunk(High, 100, 2, 100, 20)));
        Assert.Empty(changed.Lost);
        Assert.Equal("name", Assert.Single(changed.Changed).Column);
        Assert.Equal([Low], changed.Changed[0].Ranges);
        Assert.Equal(["customers.name differs in 1 key range(s): [start .. 100)"], changed.Differences());
    }

    [Fact]
    public void Rule_4_rows_added_or_removed()
    {
        var added = BaselineComparison.Compare(Before, Table(Chunk(Low, 99, 1, 99, 10), Chunk(High, 101, 9, 100, 20)));
        Assert.Empty(added.Lost);
        Assert.Empty(added.Changed);
        Assert.Equal([High], added.RowRanges);
    }

    [Fact]
    public void Rule_5_values_moved_between_rows_show_in_the_row_hashes_alone()
    {
        var swapped = BaselineComparison.Compare(Before, Table(Chunk(Low, 99, 1, 99, 10), Chunk(High, 100, 2, 100, 20) with { Hash = 99 }));
        Assert.Equal([High], swapped.RowRanges);
        Assert.False(swapped.Equal);
    }

    [Fact]
    public void Rule_6_everything_agrees()
    {
        Assert.True(BaselineComparison.Compare(Before, Table(Chunk(Low, 99, 1, 99, 10), Chunk(High, 100, 2, 100, 20))).Equal);
    }
}
