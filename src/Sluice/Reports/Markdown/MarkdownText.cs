namespace Sluice.Reports.Markdown;

/// <summary>
/// Text made safe for GitHub Markdown, the one escaping every Markdown report uses: one line, no raw HTML (angle
/// brackets become entities), pipes escaped inside table cells, code spans fenced by more backticks than they hold.
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
