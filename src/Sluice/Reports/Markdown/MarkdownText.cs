namespace Sluice.Reports.Markdown;

/// <summary>
/// Text made safe for GitHub Markdown, the one escaping every Markdown report uses. The rules:
/// <list type="number">
/// <item>Line breaks (CR, LF, blank lines) become "; ": a text stays one line, so it cannot end a list item or a table row.</item>
/// <item><c>&lt;</c> and <c>&gt;</c> become entities: no raw HTML (<c>&lt;br&gt;</c>, <c>&lt;script&gt;</c>) reaches the page.</item>
/// <item>In a table cell, <c>|</c> becomes <c>\|</c>: a cell cannot split into two.</item>
/// <item>A code span is fenced by one backtick more than its longest run of backticks, padded when it starts or ends with one; its content is literal, so rule 2 does not apply.</item>
/// </list>
/// </summary>
public static class MarkdownText
{
    public static string Inline(string text) => OneLine(text).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    public static string Cell(string text) => Inline(text).Replace("|", "\\|", StringComparison.Ordinal);

    /// <summary>A code span: its content is literal in Markdown, so only the line breaks and backticks need care.</summary>
    public static string Code(string text)
    {
        var line = OneLine(text);
        var fence = new string('`', LongestRun(line, '`') + 1);
        var pad = line.StartsWith('`') || line.EndsWith('`') ? " " : "";
        return $"{fence}{pad}{line}{pad}{fence}";
    }

    private static string OneLine(string text) =>
        string.Join("; ", text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private static int LongestRun(string text, char c)
    {
        int longest = 0, run = 0;
        foreach (var ch in text) longest = Math.Max(longest, run = ch == c ? run + 1 : 0);
        return longest;
    }
}
