using Sluice.Fingerprints;

namespace Sluice.Tests.Fingerprints;

public sealed class DataDifferTests
{
    private static Dictionary<long, string> Rows(int count) => Enumerable.Range(1, count).ToDictionary(i => (long)i, i => $"row {i}");

    [Fact]
    public async Task Equal_sources_compare_equal_without_reading_rows()
    {
        var source = new MemoryReader("t", Rows(10_000));
        var target = new MemoryReader("t", Rows(10_000));

        var diff = await new DataDiffer(new DiffOptions(InitialChunks: 16, RowThreshold: 100)).DiffAsync(source, target, TestContext.Current.CancellationToken);

        Assert.True(diff.AreEqual);
        Assert.Equal((10_000L, 10_000L), (diff.SourceRows, diff.TargetRows));
        Assert.Equal(0, source.RowsRead + target.RowsRead);
    }

    [Theory]
    [InlineData(1, 2, 10, 1)]
    [InlineData(4, 4, 50, 2)]
    [InlineData(16, 16, 500, 4)]
    [InlineData(64, 8, 1, 3)]
    public async Task Every_difference_is_located_and_bisection_reads_few_rows(int chunks, int factor, int threshold, int degree)
    {
        var expected = Rows(20_000);
        var actual = Rows(20_000);
        actual[17] = "changed";
        actual[9_999] = "changed";
        actual.Remove(1);
        actual.Remove(12_345);
        actual[20_001] = "new";
        actual[0] = "new";
        var source = new MemoryReader("t", expected);
        var target = new MemoryReader("t", actual);

        var diff = await new DataDiffer(new DiffOptions(chunks, factor, threshold, Degree: degree)).DiffAsync(source, target, TestContext.Current.CancellationToken);

        Assert.Equal(["17", "9999"], Keys(diff.ChangedSample));
        Assert.Equal(["1", "12345"], Keys(diff.MissingSample));
        Assert.Equal(["0", "20001"], Keys(diff.ExtraSample));
        Assert.True(source.RowsRead < 20_000 / 4, $"read {source.RowsRead} rows of 20,000");
    }

    [Fact]
    public async Task Counts_are_exact_while_samples_are_bounded()
    {
        var actual = Rows(5_000);
        foreach (var key in actual.Keys.Where(k => k % 10 == 0).ToList()) actual[key] = "changed";

        var diff = await new DataDiffer(new DiffOptions(SampleLimit: 7, RowThreshold: 64)).DiffAsync(
            new MemoryReader("t", Rows(5_000)), new MemoryReader("t", actual), TestContext.Current.CancellationToken);

        Assert.Equal(500, diff.Changed);
        Assert.Equal(7, diff.ChangedSample.Count);
        Assert.Contains("500 changed key(s)", string.Join('\n', diff.Describe()));
        Assert.EndsWith(", ...", diff.Describe().Single());
    }

    [Fact]
    public async Task A_source_without_a_key_is_compared_as_a_whole_and_said_to_be_unlocatable()
    {
        var actual = Rows(100);
        actual[50] = "changed";

        var diff = await new DataDiffer().DiffAsync(new MemoryReader("log", Rows(100), keyed: false), new MemoryReader("log", actual, keyed: false),
            TestContext.Current.CancellationToken);

        Assert.False(diff.Locatable);
        Assert.True(diff.WholeTableDiffers);
        Assert.Equal("log: differs (100 rows -> 100); rows cannot be located: no primary key", Assert.Single(diff.Describe()));
    }

    [Fact]
    public async Task Columns_present_on_one_side_are_named()
    {
        var diff = await new DataDiffer().DiffAsync(new MemoryReader("t", Rows(10), true, "id", "old_name"),
            new MemoryReader("t", Rows(10), true, "id", "first_name", "last_name"), TestContext.Current.CancellationToken);

        Assert.Equal(["old_name"], diff.ColumnsOnlyInSource);
        Assert.Equal(["first_name", "last_name"], diff.ColumnsOnlyInTarget);
        Assert.False(diff.AreEqual);
    }

    [Fact]
    public void Bad_options_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new DataDiffer(new DiffOptions(Factor: 1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DataDiffer(new DiffOptions(Degree: 0)));
    }

    [Fact]
    public void A_range_split_at_its_bounds_gives_consecutive_ranges()
    {
        var ranges = KeyRange.All.Split([RowKey.Of("10"), RowKey.Of("20")]);

        Assert.Equal(["[start .. 10)", "[10 .. 20)", "[20 .. end)"], ranges.Select(r => r.ToString()));
    }

    [Fact]
    public void Keys_compare_by_value()
    {
        Assert.Equal(RowKey.Of("1", "a"), new RowKey(new List<string> { "1", "a" }));
        Assert.Equal(RowKey.Of("1", "a").GetHashCode(), new RowKey(new List<string> { "1", "a" }).GetHashCode());
        Assert.NotEqual(RowKey.Of("1", "a"), RowKey.Of("1a"));
        Assert.Equal("(1, a)", RowKey.Of("1", "a").ToString());
    }

    private static string[] Keys(IEnumerable<RowKey> keys) => [.. keys.Select(k => k.ToString()).Order(StringComparer.Ordinal)];
}
