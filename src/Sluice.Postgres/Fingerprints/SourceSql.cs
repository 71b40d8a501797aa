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
    /// One 64-bit hash per row: each column hashed by its type's own function, seeded by the column's name
    /// (<see cref="TypeHashers"/>), NULL as the seed itself, the hashes combined by XOR; columns without a direct
    /// function are hashed together by <c>hash_record_extended</c>, in name order. A row's hash therefore does not
    /// depend on the order of the columns in the table (a column dropped and added back lands at the end). Equal values
    /// hash equal (<c>1.0</c> and <c>1.00</c>, <c>-0.0</c> and <c>0.0</c>) while NULL and '' differ; a type without a
    /// hash function (json, point, ...) is hashed through its text form. Both sides follow one <see cref="HashPlan"/>,
    /// so a column is hashed directly only when both resolved the same function.
    /// </summary>
    /// <param name="hashers">This side's direct hash functions by name: the plan names the function, and each side
    /// looks it up by that name, not by its own spelling of the column's type (numeric(10,2) on one side, numeric on the other).</param>
    public static string RowHash(HashPlan plan, IReadOnlyDictionary<string, TypeHasher> hashers)
    {
        if (plan.Columns.Count == 0) return "0::bigint";
        if (plan.Format == HashFormats.RecordInColumnOrder) return RecordInColumnOrder(plan);
        var terms = new List<string>();
        var together = new List<string>();
        foreach (var column in plan.Columns.OrderBy(c => c.Name, StringComparer.Ordinal))
        {
            var seed = Seed(column.Name);
            if (!column.Hashable) terms.Add($"coalesce(hashtextextended({Column(column.Name)}::text, {seed}), {seed})");
            else if (column.Hasher is { } name && hashers.TryGetValue(name, out var hasher))
                terms.Add($"coalesce({hasher.Function}({Column(column.Name)}::{hasher.ArgumentType}, {seed}), {seed})");
            else together.Add(Column(column.Name));
        }
        if (together.Count > 0) terms.Add($"hash_record_extended(ROW({string.Join(", ", together)}), 0)");
        return terms.Count == 1 ? terms[0] : $"({string.Join(" # ", terms)})";
    }

    // The formula of fingerprints recorded before per-column hashing, kept so their snapshots still verify.
    private static string RecordInColumnOrder(HashPlan plan) =>
        $"hash_record_extended(ROW({string.Join(", ", plan.Columns.Select(c => c.Hashable ? Column(c.Name) : $"hashtextextended({Column(c.Name)}::text, 0)"))}), 0)";

    // FNV-1a over the name's UTF-8 bytes, kept positive: a stable literal, the same in every process and on every server.
    private static string Seed(string name)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in System.Text.Encoding.UTF8.GetBytes(name)) hash = unchecked((hash ^ b) * 1099511628211UL);
        return ((long)(hash >> 2)).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    public static string Column(string name) => $"src.{Identifier(name)}";

    public static string Identifier(string name) => Databases.Sql.Identifier(name);

    public static string Quote(string value)
    {
        if (value.Contains('\0', StringComparison.Ordinal)) throw new ArgumentException("a key cannot contain NUL", nameof(value));
        return $"'{value.Replace("'", "''", StringComparison.Ordinal)}'";
    }
}
