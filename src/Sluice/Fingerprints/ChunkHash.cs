namespace Sluice.Fingerprints;

/// <summary>The rows of one key range: how many, and the sum of their 64-bit row hashes modulo 2^64 (a sum, not an
/// XOR, so two equal rows do not cancel out).</summary>
public sealed record ChunkHash(KeyRange Range, long Rows, ulong Hash)
{
    public bool SameContent(ChunkHash other) => Rows == other.Rows && Hash == other.Hash;
}

/// <summary>One row's key and 64-bit hash.</summary>
public sealed record RowHash(RowKey Key, ulong Hash);

/// <summary>A column as the fingerprint sees it: its name, its type, whether the type has its own hash function (when
/// not, the column is hashed through its text form), and the function that hashes a value of the type directly, when
/// the database has one it can call (<see cref="Hasher"/>; a faster path to the same guarantees).</summary>
public sealed record ColumnInfo(string Name, string Type, bool Hashable, string? Hasher = null);

/// <summary>The columns of a source and the key that locates its rows (empty when it has none).</summary>
public sealed record SourceShape(IReadOnlyList<ColumnInfo> Columns, IReadOnlyList<string> Key)
{
    public bool Locatable => Key.Count > 0;
}

/// <summary>Which columns are hashed and how: a column is hashed through its text form when it is not
/// <see cref="ColumnInfo.Hashable"/>. Both sides of a comparison hash with the same plan.</summary>
public sealed record HashPlan(IReadOnlyList<ColumnInfo> Columns)
{
    /// <summary>Which <see cref="HashFormats"/> formula the row hash follows.</summary>
    public int Format { get; init; } = HashFormats.Current;

    /// <summary>The plan both sides can follow: the columns they share (by name, in <paramref name="source"/>'s order),
    /// hashed through text when either side's type lacks a hash function, and directly only when both sides name the
    /// same direct hash function.</summary>
    public static HashPlan Common(SourceShape source, SourceShape target)
    {
        var targetColumns = target.Columns.ToDictionary(c => c.Name, StringComparer.Ordinal);
        return new HashPlan([.. source.Columns
            .Where(c => targetColumns.ContainsKey(c.Name))
            .Select(c => c with
            {
                Hashable = c.Hashable && targetColumns[c.Name].Hashable,
                Hasher = c.Hasher is not null && c.Hasher == targetColumns[c.Name].Hasher ? c.Hasher : null,
            })]);
    }
}
