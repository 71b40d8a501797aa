namespace Sluice.Rehearsal.Hints;

/// <summary>Where a statement split from a script starts, past the comments and blank lines that lead into it.</summary>
public static class StatementText
{
    /// <summary>The statement without leading comment lines and whitespace.</summary>
    public static string Code(string statement)
    {
        var lines = statement.Split('\n');
        var first = 0;
        while (first < lines.Length && (lines[first].Trim().Length == 0 || lines[first].TrimStart().StartsWith("--", StringComparison.Ordinal))) first++;
        return string.Join('\n', lines.Skip(first)).Trim();
    }

    /// <summary>The statement's first line of code.</summary>
    public static string FirstLine(string statement) => Code(statement).Split('\n')[0].Trim();

    /// <summary>The 1-based line of the file where the statement's code starts.</summary>
    public static int LineOf(string sql, string statement)
    {
        var code = Code(statement);
        var head = code.Length > 60 ? code[..60] : code;
        var at = head.Length == 0 ? -1 : sql.IndexOf(head, StringComparison.Ordinal);
        return at < 0 ? 1 : 1 + sql.AsSpan(0, at).Count('\n');
    }
}
