namespace Sluice.Fingerprints;

/// <summary>
/// What is fingerprinted: a table, or a query (a projection, such as an old column against the new columns that
/// replace it), each with the key that locates its rows.
/// </summary>
/// <param name="Name">How reports name it: the qualified table name, or a name given to the query.</param>
/// <param name="Relation">The table (<c>schema.table</c> or <c>table</c>), or null for a query.</param>
/// <param name="Query">A SELECT whose columns are hashed, or null for a table.</param>
/// <param name="Key">The columns that locate a row; empty means the table's primary key (a query must name its key).</param>
public sealed record FingerprintSource(string Name, string? Relation, string? Query, IReadOnlyList<string> Key)
{
    /// <summary>A table; its primary key locates rows unless <paramref name="key"/> names other columns.</summary>
    public static FingerprintSource Table(string relation, params string[] key) => new(relation, relation, null, key);

    /// <summary>A query's rows, located by <paramref name="key"/> (columns of its result).</summary>
    public static FingerprintSource FromQuery(string name, string query, params string[] key)
    {
        if (key.Length == 0) throw new ArgumentException("a query source needs key columns to locate its rows", nameof(key));
        return new(name, null, query, key);
    }

    public override string ToString() => Name;
}
