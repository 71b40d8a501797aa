using Sluice.Postgres.Rehearsal;
using Sluice.Rehearsal.Profiles;

namespace Sluice.Postgres.Tests.Rehearsal;

/// <summary>Issue 20 item 3: the generator's memory must not grow with the rows. A column is a function of the row
/// index (nothing held per row, computed as COPY writes it); a foreign key holds its parent rows, four bytes a row.
/// Before, a column held its values and null mask (9 bytes a row for an int8) and a shuffle copied them: 678 MiB at
/// 10M rows.</summary>
public sealed class SyntheticColumnMemoryTests
{
    private const int Rows = 1_000_000;

    public static TheoryData<string, ColumnProfile, bool> Columns => new()
    {
        // A hundred values, no histogram: placeholders, looked up.
        { "few values", Column("quantity", "int8", nullFraction: 0.1, distinct: 100, bounds: []), false },
        // More distinct values than the lookup holds: computed per row from the histogram.
        { "many values", Column("total", "numeric", nullFraction: 0.05, distinct: -0.9, bounds: ["0.50", "20.00", "400.00", "2980.00"]), false },
        // A unique key from a narrow histogram (more rows than values between its bounds), in key order.
        { "unique key", Column("id", "int8", nullFraction: 0, distinct: -1, bounds: ["1", "1000", "5000"], correlation: 1.0), true },
        // Unique timestamps, shuffled.
        { "unique timestamps", Column("created_at", "timestamptz", nullFraction: 0, distinct: -1, bounds: ["2020-01-01 00:00:00+00", "2024-01-01 00:00:00+00"]), true },
    };

    [Theory]
    [MemberData(nameof(Columns))]
    public void Generating_a_column_holds_nothing_per_row(string shape, ColumnProfile stats, bool unique)
    {
        var factory = SyntheticValueTypes.For(stats)!;
        var spec = new ColumnSpec(stats.Name, stats, Rows, NotNull: unique, Unique: unique, Closed: false);
        factory.Generate(spec with { Rows = 1_000 }, new Random(1)); // compiled before it is measured

        var small = Allocated(() => factory.Generate(spec, new Random(1)));
        var large = Allocated(() => factory.Generate(spec with { Rows = Rows * 10 }, new Random(1)));

        // The candidates' lookup (up to 65,536 values) and the permutation's keys; nothing proportional to the rows.
        Assert.True(large <= 1_200_000, $"{shape}: generating {Rows * 10:N0} rows allocated {large:N0} bytes");
        Assert.True(large <= small + 4_096, $"{shape}: {Rows:N0} rows allocated {small:N0} bytes, {Rows * 10:N0} rows {large:N0}");
    }

    [Theory]
    [MemberData(nameof(Columns))]
    public void Reading_every_row_allocates_nothing_per_row(string shape, ColumnProfile stats, bool unique)
    {
        var factory = SyntheticValueTypes.For(stats)!;
        var column = factory.Generate(new ColumnSpec(stats.Name, stats, Rows, NotNull: unique, Unique: unique, Closed: false), new Random(1));
        ISyntheticColumn ReadAll()
        {
            switch (column)
            {
                case SyntheticColumn<long> longs: for (var i = 0; i < Rows; i++) longs.Row(i); break;
                case SyntheticColumn<decimal> decimals: for (var i = 0; i < Rows; i++) decimals.Row(i); break;
                case SyntheticColumn<DateTime> times: for (var i = 0; i < Rows; i++) times.Row(i); break;
                default: throw new InvalidOperationException($"no reader for {column.GetType()}");
            }
            return column;
        }
        ReadAll(); // compiled before it is measured

        var allocated = Allocated(ReadAll);

        Assert.True(allocated <= 1_024, $"{shape}: reading {Rows:N0} rows allocated {allocated:N0} bytes");
    }

    [Fact]
    public void A_foreign_key_holds_four_bytes_a_child_row_and_its_parent_nothing()
    {
        var parent = Table("parents", 100_000, [Column("id", "int8", nullFraction: 0, distinct: -1, bounds: ["1", "100000"], correlation: 1.0)], []);
        var child = Table("children", 1_000_000, [Column("id", "int8", nullFraction: 0, distinct: -1, bounds: ["1", "1000000"], correlation: 1.0),
            Column("parent_id", "int8", nullFraction: 0, distinct: 60_000, bounds: [])],
            [new ForeignKeyProfile("children_parent_fk", ["parent_id"], "public", "parents", ["id"], [new(0, 40_000), new(10, 50_000), new(50, 10_000)])]);
        var none = new HashSet<(string, string)>();
        var warm = TableGenerator.Generate(TablePlan.For(parent, parent), 100, new Dictionary<string, GeneratedTable>(), none, new Random(1));
        TableGenerator.Generate(TablePlan.For(child, child), 1_000, new Dictionary<string, GeneratedTable> { ["public.parents"] = warm }, none, new Random(1));

        GeneratedTable parents = null!;
        var parentBytes = Allocated(() => parents = TableGenerator.Generate(TablePlan.For(parent, parent), 100_000, new Dictionary<string, GeneratedTable>(), none, new Random(2)));
        GeneratedTable children = null!;
        var childBytes = Allocated(() => children = TableGenerator.Generate(TablePlan.For(child, child), Rows,
            new Dictionary<string, GeneratedTable> { ["public.parents"] = parents }, none, new Random(2)));

        Assert.True(parentBytes <= 64 * 1024, $"100,000 parents allocated {parentBytes:N0} bytes");
        // The child's parent rows (4 bytes a child) and, while they are allocated, the children per parent (4 bytes a parent).
        var held = 4L * Rows + 4L * 100_000;
        Assert.True(childBytes <= held + 64 * 1024, $"{Rows:N0} children allocated {childBytes:N0} bytes, {held:N0} expected");
        // Every child points at a parent that exists.
        var parentIds = (SyntheticColumn<long>)parents.Column("id");
        var picked = (SyntheticColumn<long>)children.Column("parent_id");
        Assert.All(Enumerable.Range(0, Rows).Where(i => i % 997 == 0), i => Assert.InRange(picked.Row(i).Value, parentIds.Row(0).Value, parentIds.Row(99_999).Value));
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
        Assert.Equal(2_000, first.Count(v => v is null));
    }

    private static long Allocated<T>(Func<T> work)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        GC.KeepAlive(work());
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    internal static ColumnProfile Column(string name, string type, double nullFraction, double distinct, IReadOnlyList<string> bounds, double correlation = 0.0,
        IReadOnlyList<ValueFrequency>? mostCommon = null) =>
        new(name, type, type == "numeric" ? (12 << 16 | 2) + 4 : -1, NotNull: nullFraction == 0, NullFraction: nullFraction, DistinctValues: distinct,
            MostCommon: mostCommon ?? [], HistogramBounds: bounds, AverageWidth: 8, Correlation: correlation, Sensitive: false);

    private static TableProfile Table(string name, long rows, IReadOnlyList<ColumnProfile> columns, IReadOnlyList<ForeignKeyProfile> foreignKeys) =>
        new("public", name, rows, columns, ["id"], [], [], foreignKeys);

    private static List<long?> Values(ISyntheticColumn column) =>
        [.. Enumerable.Range(0, column.Count).Select(i => ((SyntheticColumn<long>)column).Row(i)).Select(r => r.Null ? (long?)null : r.Value)];
}
