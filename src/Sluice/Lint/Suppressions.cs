using System.Text.RegularExpressions;
using Sluice.Errors;
using Sluice.Lint.Parser;

namespace Sluice.Lint;

/// <summary>
/// A statement's own exceptions: a comment line before it, <c>-- sluice-ignore RULE[, RULE]: reason</c>, with each
/// rule by code or name. The finding stays in the report, as information, with the reason. A comment without a
/// reason, or naming no known rule, is SLU163 at its line.
/// </summary>
public static partial class Suppressions
{
    /// <summary>The codes the statement's comments allow, each with its reason.</summary>
    public static IReadOnlyDictionary<string, string> Of(ParsedStatement statement, string file)
    {
        var allowed = new Dictionary<string, string>(StringComparer.Ordinal);
        var lines = statement.Lead.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (Comment().Match(lines[i]) is not { Success: true } match) continue;
            var line = statement.Line - (lines.Length - 1 - i);
            var reason = match.Groups["reason"].Value.Trim();
            if (reason.Length == 0)
                throw SluiceException.Usage(ErrorCodes.BadSuppression, $"'{lines[i].Trim()}' gives no reason",
                    "write -- sluice-ignore RULE: why this statement is safe here (the reason goes into the report)", file, line);
            foreach (var name in match.Groups["rules"].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                allowed[(LintRules.Find(name) ?? throw SluiceException.Usage(ErrorCodes.BadSuppression, $"'{lines[i].Trim()}' names an unknown rule '{name}'",
                    "use a code or name from docs/lint.md", file, line)).Code] = reason;
        }
        return allowed;
    }

    [GeneratedRegex(@"^\s*--\s*sluice-ignore\s+(?<rules>[\w\-, ]+?)\s*(:(?<reason>.*))?$")]
    private static partial Regex Comment();
}
