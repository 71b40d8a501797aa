namespace Sluice.Migrations.Running;

/// <summary>
/// Splits a SQL script into statements at top-level semicolons, respecting quotes, quoted identifiers, comments and
/// dollar quoting. Non-transactional phases need it: several statements sent together run as one implicit
/// transaction, which CREATE INDEX CONCURRENTLY refuses.
/// </summary>
public static class SqlStatements
{
    public static IReadOnlyList<string> Split(string sql)
    {
        var statements = new List<string>();
        var start = 0;
        var i = 0;
        while (i < sql.Length)
        {
            var c = sql[i];
            if (c == '-' && Next(sql, i) == '-') i = SkipTo(sql, i, "\n");
            else if (c == '/' && Next(sql, i) == '*') i = SkipTo(sql, i + 2, "*/");
            else if (c is '\'' or '"') i = SkipQuoted(sql, i, c);
            else if (c == '$' && DollarTag(sql, i) is { } tag) i = SkipTo(sql, i + tag.Length, tag);
            else if (c == ';')
            {
                Add(statements, sql[start..i]);
                start = ++i;
            }
            else i++;
        }
        Add(statements, sql[start..]);
        return statements;
    }

    private static char? Next(string sql, int i) => i + 1 < sql.Length ? sql[i + 1] : null;

    private static int SkipTo(string sql, int from, string end)
    {
        var at = sql.IndexOf(end, from, StringComparison.Ordinal);
        return at < 0 ? sql.Length : at + end.Length;
    }

    private static int SkipQuoted(string sql, int i, char quote)
    {
        for (i++; i < sql.Length; i++)
        {
            if (sql[i] != quote) continue;
            if (Next(sql, i) == quote) { i++; continue; } // doubled quote inside
            return i + 1;
        }
        return sql.Length;
    }

    /// <summary>The <c>$tag$</c> starting at <paramref name="i"/>, or null when the <c>$</c> is a parameter like <c>$1</c>.</summary>
    private static string? DollarTag(string sql, int i)
    {
        var j = i + 1;
        while (j < sql.Length && (char.IsLetterOrDigit(sql[j]) || sql[j] == '_')) j++;
        if (j >= sql.Length || sql[j] != '$') return null;
        var tag = sql[i..(j + 1)];
        return tag.Length > 2 && char.IsDigit(tag[1]) ? null : tag;
    }

    private static void Add(List<string> statements, string statement)
    {
        if (!IsOnlyComments(statement)) statements.Add(statement.Trim());
    }

    private static bool IsOnlyComments(string statement)
    {
        foreach (var line in statement.Split('\n'))
        {
            var trimmed = line.Trim();
            if (trimmed.Length > 0 && !trimmed.StartsWith("--", StringComparison.Ordinal)) return false;
        }
        return true;
    }
}
