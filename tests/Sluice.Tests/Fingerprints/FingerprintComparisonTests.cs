using Sluice.Fingerprints;

namespace Sluice.Tests.Fingerprints;

public sealed class FingerprintComparisonTests
{
    private static TableFingerprint Table(params (string? From, long Rows, ulong Hash)[] chunks) =>
        new("t", ["id"], [new ColumnInfo("id", "bigint", true)],
            [.. chunks.Select((c, i) => new ChunkHash(new KeyRange(c.From is null ? null : RowKey.Of(c.From), i + 1 < chunks.Length ? RowKey.Of(chunks[i + 1].From!) : null), c.Rows, c.Hash))]);

    private static DatabaseFingerprint Database(TableFingerprint table) => new(new SchemaFingerprint([]), new DataFingerprint([table]));

    [Fact]
    public void A_differing_chunk_is_named_by_its_key_range()
    {
        var recorded = Table((null, 10, 1), ("100", 10, 2), ("200", 10, 3));
        var later = Table((null, 10, 1), ("100", 11, 2), ("200", 10, 3));

        var report = FingerprintComparison.Compare(Database(recorded), Database(later));

        Assert.False(report.AreEqual);
        Assert.Equal("[100 .. 200)", Assert.Single(report.Tables[0].DifferingRanges).ToString());
        Assert.Contains("t: 1 key range(s) differ: [100 .. 200)", report.Render());
        Assert.Equal(["100", "200"], recorded.Bounds.Select(b => b.ToString()));
    }

    [Fact]
    public void Tables_on_one_side_only_are_reported()
    {
        var report = FingerprintComparison.Compare(Database(Table((null, 1, 1))), new DatabaseFingerprint(new SchemaFingerprint([]), new DataFingerprint([])));

        Assert.Equal(["t"], report.OnlyInSource);
        Assert.Contains("table t: only in the source", report.Render());
    }
}
