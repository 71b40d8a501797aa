namespace Sluice.Migrations.Running;

/// <summary>One statement of a script and where it stands in its file.</summary>
/// <param name="Text">The statement, trimmed, its leading comments included (without the closing semicolon).</param>
/// <param name="Offset">Where <paramref name="Text"/> starts in the script (0-based).</param>
/// <param name="StartLine">The 1-based line of the file where <paramref name="Text"/> starts.</param>
/// <param name="Line">The 1-based line of the file where the statement's code starts, past leading comments and blank lines.</param>
/// <param name="Code">The statement from its code on, without the comments that lead into it.</param>
public sealed record SqlStatement(string Text, int Offset, int StartLine, int Line, string Code)
{
    /// <summary>The file line of a 1-based character <paramref name="position"/> inside <see cref="Text"/> (PostgreSQL's
    /// error position for the statement as sent); the statement's own line when there is no position.</summary>
    public int LineAt(int? position)
    {
        if (position is not > 0) return Line;
        var end = Math.Min(position.Value - 1, Text.Length);
        return StartLine + Text.AsSpan(0, end).Count('\n');
    }
}

/// <summary>
/// Splits a SQL script into statements at top-level semicolons, respecting quotes, quoted identifiers, comments and
/// dollar quoting. Non-transactional phases need it: several statements sent together run as one implicit
/// transaction, which CREATE INDEX CONCURRENTLY refuses. Each statement keeps its place in the file, so an error
/// (from the server or from a plan check) names the line it is on.
/// </summary>
public static class SqlStatements
{
    public static IReadOnlyList<string> Split(string sql) => [.. Parse(sql).Select(s => s.Text)];

    public static IReadOnlyList<SqlStatement> Parse(string sql)
    {
        var statements = new List<SqlStatement>();
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
                Add(statements, sql, start, i);
                start = ++i;
            }
            else i++;
        }
        Add(statements, sql, start, sql.Length);
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

    private static void Add(List<SqlStatement> statements, string sql, int from, int to)
    {
        var raw = sql[from..to];
        if (IsOnlyComments(raw)) return;
        var offset = from + (raw.Length - raw.TrimStart().Length);
        var code = CodeStart(sql, offset, to);
        statements.Add(new SqlStatement(raw.Trim(), offset, LineOf(sql, offset), LineOf(sql, code), sql[code..to].Trim()));
    }

    /// <summary>Past the whitespace and comments that lead into the statement's code.</summary>
    private static int CodeStart(string sql, int i, int end)
    {
        while (i < end)
        {
            if (char.IsWhiteSpace(sql[i])) i++;
            else if (sql[i] == '-' && Next(sql, i) == '-') i = SkipTo(sql, i, "\n");
            else if (sql[i] == '/' && Next(sql, i) == '*') i = SkipTo(sql, i + 2, "*/");
            else break;
        }
        return Math.Min(i, end);
    }

    private static int LineOf(string sql, int offset) => 1 + sql.AsSpan(0, offset).Count('\n');

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
