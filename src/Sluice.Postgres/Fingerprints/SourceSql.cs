using Sluice.Fingerprints;

namespace Sluice.Postgres.Fingerprints;

/// <summary>
/// The SQL text of one source: the relation (a table, or a query as a subquery aliased <c>src</c>), the key as an
/// expression (<c>src.id</c> or <c>ROW(src.a, src.b)</c>), keys as typed literals, range predicates and the row hash.
/// </summary>
internal sealed class SourceSql(string from, IReadOnlyList<ColumnInfo> key)
{
    /// <summary><c>public.customers AS src</c> or <c>(SELECT ...) AS src</c>.</summary>
    public string From { get; } = from;

    public IReadOnlyList<ColumnInfo> Key { get; } = key;

    public string KeyExpression => Key.Count == 1 ? Column(Key[0].Name) : $"ROW({string.Join(", ", Key.Select(k => Column(k.Name)))})";

    /// <summary>The key columns as text, for reading keys back.</summary>
    public string KeyText => string.Join(", ", Key.Select(k => $"{Column(k.Name)}::text"));

    public string OrderBy => string.Join(", ", Key.Select(k => Column(k.Name)));

    public string Literal(RowKey key)
    {
        if (key.Values.Count != Key.Count) throw new ArgumentException($"key {key} has {key.Values.Count} values, the source's key has {Key.Count} columns", nameof(key));
        var values = Key.Select((k, i) => $"{Quote(key.Values[i])}::{k.Type}").ToList();
        return values.Count == 1 ? values[0] : $"ROW({string.Join(", ", values)})";
    }

    public string Where(KeyRange range)
    {
        var conditions = new List<string>();
        if (range.From is { } from) conditions.Add($"{KeyExpression} >= {Literal(from)}");
        if (range.To is { } to) conditions.Add($"{KeyExpression} < {Literal(to)}");
        return conditions.Count == 0 ? "" : $" WHERE {string.Join(" AND ", conditions)}";
    }

    /// <summary>
    /// One 64-bit hash per row. <c>hash_record_extended</c> hashes each value with its type's own hash function, so
    /// equal values hash equal (<c>1.0</c> and <c>1.00</c>, <c>-0.0</c> and <c>0.0</c>) while NULL and '' differ;
    /// a type without one (json, point, ...) is hashed through its text form instead.
    /// </summary>
    public static string RowHash(HashPlan plan)
    {
        if (plan.Columns.Count == 0) return "0::bigint";
        var columns = plan.Columns.Select(c => c.Hashable ? Column(c.Name) : $"hashtextextended({Column(c.Name)}::text, 0)");
        return $"hash_record_extended(ROW({string.Join(", ", columns)}), 0)";
    }

    public static string Column(string name) => $"src.{Identifier(name)}";

    public static string Identifier(string name) => $"\"{name.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";

    public static string Quote(string value)
    {
        if (value.Contains('\0', StringComparison.Ordinal)) throw new ArgumentException("a key cannot contain NUL", nameof(value));
        return $"'{value.Replace("'", "''", StringComparison.Ordinal)}'";
    }
}
