using System.Text.RegularExpressions;
using Npgsql;
using Sluice.Rehearsal.Profiles;

namespace Sluice.Postgres.Rehearsal;

/// <summary>
/// Values for a normalised statement's parameters, from the synthetic data, so a replayed statement finds rows as
/// production's did. Each <c>$n</c> is bound to the column the text compares it with or inserts it into, in order:
/// <list type="number">
/// <item><c>INSERT INTO t (a, b) VALUES ($1, $2)</c>: the column at the same position; a key column of an integer type gets a key past the table's largest (the insert is rolled back, so it never collides later).</item>
/// <item><c>col = $n</c> (and <c>&lt;&gt;</c>, <c>&lt;</c>, <c>&lt;=</c>, <c>&gt;</c>, <c>&gt;=</c>, <c>LIKE</c>, <c>BETWEEN $m AND $n</c>, <c>IN (..., $n)</c>), <c>col</c> optionally qualified: that column.</item>
/// <item>The column is looked up in the statement's tables, in order; its values are a seeded sample of the ones the synthetic data holds.</item>
/// <item>A parameter bound to nothing (<c>LIMIT $1</c>, an expression) gets a value of its inferred type alone, and is counted as unbound.</item>
/// </list>
/// </summary>
internal static partial class ReplayArguments
{
    public const int Rows = 64;

    /// <summary><see cref="Rows"/> argument lists (text form, sent as <c>unknown</c> so the server casts them to the inferred types) and the count of unbound parameters.</summary>
    public static async Task<(IReadOnlyList<string?[]> Arguments, int Unbound)> ForAsync(NpgsqlConnection connection, StatementShape statement,
        IReadOnlyList<string> types, DataProfile profile, CancellationToken cancellationToken)
    {
        var columns = new string?[types.Count];
        var inserted = InsertColumns(statement.Query);
        for (var n = 1; n <= types.Count; n++)
            columns[n - 1] = inserted.TryGetValue(n, out var column) ? column : Compared(statement.Query, n);

        var samples = new List<string?>[types.Count];
        var unbound = 0;
        for (var i = 0; i < types.Count; i++)
        {
            var table = columns[i] is { } name ? statement.Tables.Select(t => Table(profile, t)).FirstOrDefault(t => t?.Columns.Any(c => c.Name == name) == true) : null;
            if (table is null) { unbound++; samples[i] = [ByType(types[i])]; continue; }
            var quoted = $"{Databases.Sql.Qualified(table.Schema, table.Name)}";
            var column = Databases.Sql.Identifier(columns[i]!);
            var key = inserted.ContainsKey(i + 1) && (table.PrimaryKey.Contains(columns[i]!) || table.UniqueKeys.Any(k => k.Contains(columns[i]!)));
            samples[i] = key
                ? await FreshKeysAsync(connection, quoted, column, types[i], cancellationToken)
                : await SampleAsync(connection, quoted, column, cancellationToken);
            if (samples[i].Count == 0) samples[i] = [ByType(types[i])];
        }
        var rows = Enumerable.Range(0, Rows).Select(r => samples.Select((s, i) => s[(r * (2 * i + 1)) % s.Count]).ToArray()).ToList();
        return (rows, unbound);
    }

    private static TableProfile? Table(DataProfile profile, string qualified)
    {
        var dot = qualified.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? null : profile.Table(qualified[..dot], qualified[(dot + 1)..]);
    }

    private static Dictionary<int, string> InsertColumns(string query)
    {
        var result = new Dictionary<int, string>();
        if (Insert().Match(query) is not { Success: true } match) return result;
        var names = match.Groups["columns"].Value.Split(',').Select(Unquote).ToList();
        var values = match.Groups["values"].Value.Split(',').Select(v => v.Trim()).ToList();
        for (var i = 0; i < Math.Min(names.Count, values.Count); i++)
            if (Parameter().Match(values[i]) is { Success: true } p && p.Value.Length == values[i].Length) result[int.Parse(p.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)] = names[i];
        return result;
    }

    private static string? Compared(string query, int n)
    {
        foreach (var pattern in new[]
                 {
                     $@"(?<col>""[^""]+""|\w+)\s*(=|<>|!=|<=|>=|<|>|\bI?LIKE\b)\s*\${n}(?!\d)",
                     $@"(?<col>""[^""]+""|\w+)\s+(NOT\s+)?IN\s*\(\s*(\$\d+\s*,\s*)*\${n}(?!\d)",
                     $@"(?<col>""[^""]+""|\w+)\s+BETWEEN\s+(\$\d+\s+AND\s+)?\${n}(?!\d)",
                 })
            if (Regex.Match(query, pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant) is { Success: true } match)
                return Unquote(match.Groups["col"].Value);
        return null;
    }

    private static async Task<List<string?>> SampleAsync(NpgsqlConnection connection, string table, string column, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"SELECT v FROM (SELECT DISTINCT {column}::text AS v FROM {table} WHERE {column} IS NOT NULL LIMIT 10000) s ORDER BY md5(v) LIMIT {Rows}", connection);
        var values = new List<string?>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) values.Add(reader.GetString(0));
        return values;
    }

    private static async Task<List<string?>> FreshKeysAsync(NpgsqlConnection connection, string table, string column, string type, CancellationToken cancellationToken)
    {
        if (type is not ("smallint" or "integer" or "bigint" or "numeric")) return await SampleAsync(connection, table, column, cancellationToken);
        await using var command = new NpgsqlCommand($"SELECT coalesce(max({column}), 0)::int8 FROM {table}", connection);
        var largest = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        return [.. Enumerable.Range(1, Rows).Select(i => (largest + i).ToString(System.Globalization.CultureInfo.InvariantCulture))];
    }

    private static string? ByType(string type) => type switch
    {
        "smallint" or "integer" or "bigint" or "numeric" or "real" or "double precision" => "1",
        "boolean" => "true",
        "date" or "timestamp without time zone" or "timestamp with time zone" => "2024-01-01",
        "uuid" => "00000000-0000-0000-0000-000000000001",
        "text" or "character varying" or "character" or "unknown" => "x",
        _ => null,
    };

    private static string Unquote(string name)
    {
        name = name.Trim();
        return name.StartsWith('"') ? name[1..^1].Replace("\"\"", "\"", StringComparison.Ordinal) : name.ToLowerInvariant();
    }

    [GeneratedRegex(@"^\s*INSERT\s+INTO\s+[^(]+\((?<columns>[^)]*)\)\s*VALUES\s*\((?<values>[^)]*)\)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Insert();

    [GeneratedRegex(@"\$(\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex Parameter();
}
