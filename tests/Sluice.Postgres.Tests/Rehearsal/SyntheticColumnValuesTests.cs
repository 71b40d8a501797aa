using Sluice.Postgres.Rehearsal;
using Sluice.Rehearsal.Profiles;

namespace Sluice.Postgres.Tests.Rehearsal;

/// <summary>The streaming generator's pieces: rows placed by a seeded bijection, counts exact whatever the placement,
/// unique values strictly ascending however crowded the histogram.</summary>
public sealed class SyntheticColumnValuesTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(100)]
    [InlineData(65_537)]
    [InlineData(1_000_003)]
    public void The_permutation_maps_every_row_to_a_different_position(int rows)
    {
        var permutation = new SeededPermutation(rows, new Random(3));
        var seen = new bool[rows];
        for (var i = 0; i < rows; i++)
        {
            var position = permutation.Map(i);
            Assert.InRange(position, 0, rows - 1);
            Assert.False(seen[position], $"position {position} reached twice");
            seen[position] = true;
        }
        var again = new SeededPermutation(rows, new Random(3));
        Assert.All(Enumerable.Range(0, Math.Min(rows, 1000)), i => Assert.Equal(permutation.Map(i), again.Map(i)));
    }

    [Fact]
    public void The_permutation_scatters_rows_and_differs_by_seed()
    {
        const int rows = 10_000;
        var first = new SeededPermutation(rows, new Random(1));
        var second = new SeededPermutation(rows, new Random(2));
        // Not the identity, not a shift: neighbouring rows land far apart, and another seed gives another order.
        var identical = Enumerable.Range(0, rows).Count(i => first.Map(i) == second.Map(i));
        var close = Enumerable.Range(0, rows - 1).Count(i => Math.Abs(first.Map(i + 1) - first.Map(i)) < 10);
        Assert.True(identical < 20, $"{identical} rows at the same position under two seeds");
        Assert.True(close < 50, $"{close} neighbouring rows within 10 positions");
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.97)]
    [InlineData(-0.97)]
    public void Nulls_and_most_common_values_are_exact_wherever_the_rows_go(double correlation)
    {
        const int rows = 100_000;
        var stats = SyntheticColumnMemoryTests.Column("quantity", "int4", nullFraction: 0.125, distinct: 40, bounds: ["1", "1000", "2000", "5000"],
            correlation: correlation, mostCommon: [new("7", 0.25), new("3", 0.125), new("500", 0.0625)]);
        var column = (SyntheticColumn<int>)SyntheticValueTypes.For(stats)!.Generate(new ColumnSpec("quantity", stats, rows, false, false, false), new Random(5));

        var values = Enumerable.Range(0, rows).Select(column.Row).ToList();
        Assert.Equal(12_500, values.Count(v => v.Null));
        var counts = values.Where(v => !v.Null).GroupBy(v => v.Value).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(25_000, counts[7]);
        Assert.Equal(12_500, counts[3]);
        Assert.Equal(6_250, counts[500]);
        Assert.Equal(40, counts.Count); // 3 most common and 37 from the histogram
        var nonNull = values.Where(v => !v.Null).Select(v => v.Value).ToList();
        if (correlation > 0) Assert.Equal(nonNull.Order(), nonNull);
        if (correlation < 0) Assert.Equal(nonNull.OrderDescending(), nonNull);
    }

    public static TheoryData<string, string[], int> UniqueShapes => new()
    {
        { "int8", ["1", "2", "1000000"], 200_000 },      // the first bucket overflows into the second
        { "int4", ["10", "20"], 50_000 },                // every value past the upper bound
        { "int2", ["-100", "100"], 30_000 },
        { "numeric", ["0.00", "0.50", "9.99"], 100_000 },
        { "date", ["2024-01-01", "2024-02-01"], 5_000 },
        { "timestamptz", ["2024-01-01 00:00:00+00", "2024-01-01 00:00:01+00", "2025-01-01 00:00:00+00"], 100_000 },
        { "float8", ["-1", "0", "1e-300", "1e300"], 100_000 },
        { "float4", ["1.0", "1.001"], 100_000 },          // more values than floats in the bucket
    };

    [Theory]
    [MemberData(nameof(UniqueShapes))]
    public void Unique_values_strictly_ascend_however_crowded_the_histogram(string type, string[] bounds, int rows)
    {
        var stats = SyntheticColumnMemoryTests.Column("key", type, nullFraction: 0, distinct: -1, bounds: bounds, correlation: 1.0);
        var column = SyntheticValueTypes.For(stats)!.Generate(new ColumnSpec("key", stats, rows, NotNull: true, Unique: true, Closed: false), new Random(1));
        var texts = Texts(column);
        Assert.Equal(rows, texts.Count);
        var numbers = texts.Select(t => t.Number).ToList();
        for (var i = 1; i < rows; i++)
            Assert.True(numbers[i] > numbers[i - 1], $"{type}: row {i} ({texts[i].Text}) does not follow row {i - 1} ({texts[i - 1].Text})");
    }

    [Fact]
    public void Unique_values_with_room_sit_at_the_histogram_quantiles()
    {
        const int rows = 1_000;
        var stats = SyntheticColumnMemoryTests.Column("id", "int8", nullFraction: 0, distinct: -1, bounds: ["1", "100", "1000000"], correlation: 0.0);
        var column = (SyntheticColumn<long>)SyntheticValueTypes.For(stats)!.Generate(new ColumnSpec("id", stats, rows, true, true, false), new Random(1));
        var sorted = Enumerable.Range(0, rows).Select(i => column.Row(i).Value).Order().ToList();
        Assert.Equal(rows, sorted.Distinct().Count());
        // Half the values belong in the first bucket, which holds only 100: they run on past its upper bound (1..500,
        // as raising each value past its predecessor would); the other half spread over the second at its quantiles.
        Assert.Equal(1, sorted[0]);
        Assert.Equal(500, sorted[499]);
        Assert.InRange(sorted[500], 1_000, 1_200);
        Assert.InRange(sorted[750], 500_000 - 2_000, 500_000 + 2_000);
        Assert.InRange(sorted[^1], 998_000, 1_000_000);
    }

    // Each row's value with a number that ascends with it (the tests compare those).
    private static List<(string Text, double Number)> Texts(ISyntheticColumn column)
    {
        (string, double) Of<T>(SyntheticColumn<T> typed, int i, Func<T, double> number) where T : notnull
        {
            var (isNull, value) = typed.Row(i);
            Assert.False(isNull);
            return (Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)!, number(value));
        }
        return [.. Enumerable.Range(0, column.Count).Select(i => column switch
        {
            SyntheticColumn<long> c => Of(c, i, v => v),
            SyntheticColumn<int> c => Of(c, i, v => v),
            SyntheticColumn<short> c => Of(c, i, v => v),
            SyntheticColumn<decimal> c => Of(c, i, v => (double)v),
            SyntheticColumn<DateOnly> c => Of(c, i, v => v.DayNumber),
            SyntheticColumn<DateTime> c => Of(c, i, v => v.Ticks),
            SyntheticColumn<double> c => Of(c, i, v => v),
            SyntheticColumn<float> c => Of(c, i, v => v),
            _ => throw new InvalidOperationException($"no reader for {column.GetType()}"),
        })];
    }
}
