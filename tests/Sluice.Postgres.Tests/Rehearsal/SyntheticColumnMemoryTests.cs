using Sluice.Postgres.Rehearsal;
using Sluice.Rehearsal.Profiles;

namespace Sluice.Postgres.Tests.Rehearsal;

/// <summary>Issue 20 item 3: the generator's memory is its columns. Placing a column's rows (the seeded shuffle) used
/// to copy it three times over (an index array, shuffled values, shuffled nulls): at 10M rows most of the peak.</summary>
public sealed class SyntheticColumnMemoryTests
{
    private const int Rows = 1_000_000;

    [Fact]
    public void Generating_a_column_allocates_little_more_than_the_column_itself()
    {
        var stats = new ColumnProfile("quantity", "int8", -1, NotNull: false, NullFraction: 0.1, DistinctValues: 100, MostCommon: [], HistogramBounds: [],
            AverageWidth: 8, Correlation: 0.0, Sensitive: false);
        var factory = SyntheticValueTypes.For(stats)!;
        var spec = new ColumnSpec("quantity", stats, Rows, NotNull: false, Unique: false, Closed: false);
        factory.Generate(spec with { Rows = 1_000 }, new Random(1)); // compiled before it is measured

        var before = GC.GetAllocatedBytesForCurrentThread();
        var column = factory.Generate(spec, new Random(1));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        var held = (long)Rows * (sizeof(long) + sizeof(bool)); // the values and the null mask
        Assert.Equal(Rows, column.Count);
        Assert.True(allocated <= held * 1.25, $"generating {Rows:N0} rows allocated {allocated:N0} bytes for a column of {held:N0}");
    }

    [Fact]
    public void The_same_seed_places_the_same_rows()
    {
        var stats = new ColumnProfile("score", "int8", -1, NotNull: false, NullFraction: 0.2, DistinctValues: 50, MostCommon: [], HistogramBounds: ["1", "500", "1000"],
            AverageWidth: 8, Correlation: 0.95, Sensitive: false);
        var factory = SyntheticValueTypes.For(stats)!;
        var spec = new ColumnSpec("score", stats, 10_000, NotNull: false, Unique: false, Closed: false);
        var first = Values(factory.Generate(spec, new Random(7)));
        Assert.Equal(first, Values(factory.Generate(spec, new Random(7))));
        // Correlated: the non-null values are in order.
        var nonNull = first.Where(v => v is not null).Select(v => v!.Value).ToList();
        Assert.Equal(nonNull.Order(), nonNull);
    }

    private static List<long?> Values(ISyntheticColumn column) =>
        [.. Enumerable.Range(0, column.Count).Select(i => ((SyntheticColumn<long>)column).Row(i)).Select(r => r.Null ? (long?)null : r.Value)];
}
