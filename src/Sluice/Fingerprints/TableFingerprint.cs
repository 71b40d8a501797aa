namespace Sluice.Fingerprints;

/// <summary>One source's data: its columns, its key (empty: rows cannot be located) and its chunks in key order.</summary>
public sealed record TableFingerprint(string Source, IReadOnlyList<string> Key, IReadOnlyList<ColumnInfo> Columns, IReadOnlyList<ChunkHash> Chunks)
{
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
