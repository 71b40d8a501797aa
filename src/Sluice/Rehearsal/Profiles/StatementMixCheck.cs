using System.Text.RegularExpressions;
using Sluice.Errors;

namespace Sluice.Rehearsal.Profiles;

/// <summary>
/// What a profile's <c>statements</c> must hold beyond its JSON shape (SLU247, with the file and line):
/// <list type="number">
/// <item>Unreadable: a reason and no statements; readable: no reason, a window longer than zero from <c>readings</c> or <c>stats_reset</c>.</item>
/// <item>Each statement: an id and a query, ids unique.</item>
/// <item>No value in a query: a quoted literal means parameters were kept, and a profile keeps shapes only.</item>
/// <item>Calls, rows, mean time and rate are finite and not negative.</item>
/// </list>
/// </summary>
internal static partial class StatementMixCheck
{
    public static void Validate(StatementMix mix, string json, string file)
    {
        var line = ProfileFile.LineOf(json, "\"statements\"", 0);
        if (!mix.Readable && (string.IsNullOrWhiteSpace(mix.Unreadable) || mix.Statements.Count > 0))
            throw Bad(file, "statements.readable is false, so it needs the reason in 'unreadable' and no statements", line);
        if (mix.Readable && mix.Unreadable is not null)
            throw Bad(file, "statements.readable is true, yet 'unreadable' gives a reason", line);
        if (mix.Readable && !(double.IsFinite(mix.WindowSeconds) && mix.WindowSeconds > 0))
            throw Bad(file, $"statements.windowSeconds {mix.WindowSeconds} is not a positive number of seconds", ProfileFile.LineOf(json, "\"windowSeconds\"", line));
        if (mix.WindowFrom is not (StatementMix.FromReadings or StatementMix.FromStatsReset))
            throw Bad(file, $"statements.windowFrom '{mix.WindowFrom}' is neither '{StatementMix.FromReadings}' nor '{StatementMix.FromStatsReset}'", ProfileFile.LineOf(json, "\"windowFrom\"", line));
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var from = json.IndexOf("\"statements\"", StringComparison.Ordinal);
        foreach (var statement in mix.Statements)
        {
            // Each statement's own "query" key, in order: the line a person opens.
            from = from < 0 ? -1 : json.IndexOf("\"query\"", from + 1, StringComparison.Ordinal);
            var at = from < 0 ? line : json.AsSpan(0, from).Count('\n') + 1;
            if (string.IsNullOrWhiteSpace(statement.Id) || string.IsNullOrWhiteSpace(statement.Query))
                throw Bad(file, "a statement without an id or a query", at);
            if (!ids.Add(statement.Id)) throw Bad(file, $"statement id {statement.Id} appears twice", at);
            if (Literal().IsMatch(statement.Query))
                throw Bad(file, $"statement {statement.Id} holds a quoted value; a profile keeps statement shapes ($1 placeholders), never values", at);
            if (new[] { statement.MeanMilliseconds, statement.CallsPerSecond }.Any(v => !double.IsFinite(v) || v < 0) || statement.Calls < 0 || statement.Rows < 0)
                throw Bad(file, $"statement {statement.Id} has a negative or non-finite count, time or rate", at);
        }
    }

    private static SluiceException Bad(string file, string what, int line) =>
        SluiceException.Usage(ErrorCodes.BadStatementMix, what, "take the profile again with the Profile target", file, line);

    // A string literal ('...', E'...'), not a quoted identifier.
    [GeneratedRegex(@"'[^']*'", RegexOptions.CultureInvariant)]
    private static partial Regex Literal();
}
