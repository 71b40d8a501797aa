using System.Globalization;
using System.Text;
using Sluice.Fingerprints;

namespace Sluice.Tests.Fingerprints;

/// <summary>An in-memory source for the diff logic: rows by integer key, hashed with FNV-1a. Counts what it was asked,
/// so a test can see that bisection reads few rows.</summary>
internal sealed class MemoryReader(string name, IReadOnlyDictionary<long, string> rows, bool keyed = true, params string[] columns) : IFingerprintReader
{
    private readonly long[] _keys = [.. rows.Keys.Order()];
    private int _rowsRead;

    public FingerprintSource Source { get; } = FingerprintSource.Table(name);

    public int RowsRead => _rowsRead;

    public Task<SourceShape> DescribeAsync(CancellationToken cancellationToken) => Task.FromResult(new SourceShape(
        [.. (columns.Length == 0 ? ["id", "value"] : columns).Select(c => new ColumnInfo(c, "text", true))], keyed ? ["id"] : []));

    public Task<IReadOnlyList<RowKey>> SplitPointsAsync(KeyRange range, int parts, CancellationToken cancellationToken)
    {
        var inRange = InRange(range).ToList();
        var step = Math.Max(1, (int)Math.Ceiling(inRange.Count / (double)parts));
        IReadOnlyList<RowKey> bounds = [.. inRange.Where((_, i) => i > 0 && i % step == 0).Select(Key)];
        return Task.FromResult(bounds);
    }

    public Task<IReadOnlyList<ChunkHash>> HashChunksAsync(HashPlan plan, IReadOnlyList<KeyRange> ranges, CancellationToken cancellationToken)
    {
        IReadOnlyList<ChunkHash> chunks = [.. ranges.Select(r =>
        {
            ulong sum = 0;
            long count = 0;
            foreach (var key in InRange(r))
            {
                unchecked { sum += Hash(rows[key]); }
                count++;
            }
            return new ChunkHash(r, count, sum);
        })];
        return Task.FromResult(chunks);
    }

    public Task<IReadOnlyList<RowHash>> RowHashesAsync(HashPlan plan, KeyRange range, CancellationToken cancellationToken)
    {
        IReadOnlyList<RowHash> found = [.. InRange(range).Select(k => new RowHash(Key(k), Hash(rows[k])))];
        Interlocked.Add(ref _rowsRead, found.Count);
        return Task.FromResult(found);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private IEnumerable<long> InRange(KeyRange range) => _keys.Where(k =>
        (range.From is null || k >= Parse(range.From)) && (range.To is null || k < Parse(range.To)));

    private static RowKey Key(long key) => RowKey.Of(key.ToString(CultureInfo.InvariantCulture));

    private static long Parse(RowKey key) => long.Parse(key.Values[0], CultureInfo.InvariantCulture);

    private static ulong Hash(string value)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes(value)) hash = unchecked((hash ^ b) * 1099511628211UL);
        return hash;
    }
}
