namespace Sluice.Fingerprints;

/// <summary>One source's data: its columns, its key (empty: rows cannot be located) and its chunks in key order.</summary>
public sealed record TableFingerprint(string Source, IReadOnlyList<string> Key, IReadOnlyList<ColumnInfo> Columns, IReadOnlyList<ChunkHash> Chunks)
{
    /// <summary>How its row hashes were computed (<see cref="HashFormats"/>). A fingerprint recorded before the field
    /// existed reads as <see cref="HashFormats.RecordInColumnOrder"/>.</summary>
    public int HashFormat { get; init; } = HashFormats.RecordInColumnOrder;

    public long Rows => Chunks.Sum(c => c.Rows);

    public bool Locatable => Key.Count > 0;

    /// <summary>The split points between the chunks, so another database can be cut the same way.</summary>
    public IReadOnlyList<RowKey> Bounds => [.. Chunks.Skip(1).Select(c => c.Range.From!)];
}

/// <summary>The data of every table of a database (or of chosen sources), ordered by source name.</summary>
public sealed record DataFingerprint(IReadOnlyList<TableFingerprint> Tables)
{
    public TableFingerprint? Find(string source) => Tables.FirstOrDefault(t => t.Source == source);
}

/// <summary>A database's schema and data fingerprints, taken in one snapshot.</summary>
public sealed record DatabaseFingerprint(SchemaFingerprint Schema, DataFingerprint Data);

/// <summary>The ways a row hash has been computed. A fingerprint taken to compare with a recorded one (a snapshot's
/// manifest) uses the recorded one's format, so snapshots taken by an older Sluice still verify.</summary>
public static class HashFormats
{
    /// <summary>One <c>hash_record_extended</c> of the row's columns in column order (Sluice before per-column hashing).</summary>
    public const int RecordInColumnOrder = 1;

    /// <summary>Each column hashed by its type's own function, seeded by its name, combined by XOR: independent of
    /// column order.</summary>
    public const int PerColumnByName = 2;

    public const int Current = PerColumnByName;
}
