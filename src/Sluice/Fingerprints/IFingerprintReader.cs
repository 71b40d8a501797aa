namespace Sluice.Fingerprints;

/// <summary>
/// Reads hashes of one <see cref="FingerprintSource"/> in one database, computed where the data lives. An
/// implementation reads one consistent snapshot for its whole life, so chunks and rows agree with each other.
/// </summary>
public interface IFingerprintReader : IAsyncDisposable
{
    FingerprintSource Source { get; }

    /// <summary>The columns and the key.</summary>
    Task<SourceShape> DescribeAsync(CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="parts"/> - 1 ascending keys that cut <paramref name="range"/> into parts of
    /// about equal rows (fewer, or none, when the range is small or the keys cannot be split).</summary>
    Task<IReadOnlyList<RowKey>> SplitPointsAsync(KeyRange range, int parts, CancellationToken cancellationToken);

    /// <summary>The count and hash of each range in <paramref name="ranges"/> (consecutive and ascending), in order.</summary>
    Task<IReadOnlyList<ChunkHash>> HashChunksAsync(HashPlan plan, IReadOnlyList<KeyRange> ranges, CancellationToken cancellationToken);

    /// <summary>Every row of <paramref name="range"/> with its hash.</summary>
    Task<IReadOnlyList<RowHash>> RowHashesAsync(HashPlan plan, KeyRange range, CancellationToken cancellationToken);
}
