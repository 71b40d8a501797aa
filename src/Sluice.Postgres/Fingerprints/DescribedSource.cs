using Sluice.Fingerprints;

namespace Sluice.Postgres.Fingerprints;

/// <summary>
/// One <see cref="FingerprintSource"/> as the database resolved it, once per reader: its shape (columns and key), its
/// SQL text, the table it reads (null for a query: a query has no statistics and no heap to share out by blocks), and
/// the direct hash functions of its column types by name.
/// </summary>
internal sealed record DescribedSource(
    FingerprintSource Source, SourceShape Shape, SourceSql Sql, string? Relation, IReadOnlyDictionary<string, TypeHasher> Hashers)
{
    /// <summary>The row hash of <paramref name="plan"/> in this source's SQL.</summary>
    public string RowHash(HashPlan plan) => SourceSql.RowHash(plan, Hashers);
}
