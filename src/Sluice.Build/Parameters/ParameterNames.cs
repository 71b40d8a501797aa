using System.Text;
using Sluice.Text;

namespace Sluice.Build;

/// <summary>The spellings of a parameter: member <c>TimeBudget</c>, option <c>--time-budget</c>, variable <c>SLUICE_TIME_BUDGET</c>.</summary>
internal static class ParameterNames
{
    public static string Kebab(string memberName)
    {
        var sb = new StringBuilder(memberName.Length + 4);
        for (var i = 0; i < memberName.Length; i++)
        {
            var c = memberName[i];
            if (char.IsUpper(c))
            {
                var previousIsLower = i > 0 && (char.IsLower(memberName[i - 1]) || char.IsDigit(memberName[i - 1]));
                var acronymEnds = i > 0 && char.IsUpper(memberName[i - 1]) && i + 1 < memberName.Length && char.IsLower(memberName[i + 1]);
                if (previousIsLower || acronymEnds) sb.Append('-');
                sb.Append(char.ToLowerInvariant(c));
            }
            else if (c == '_') sb.Append('-');
            else sb.Append(c);
        }
        return sb.ToString();
    }

    public static string EnvironmentVariable(string memberName) => "SLUICE_" + Kebab(memberName).Replace('-', '_').ToUpperInvariant();

    /// <summary>Levenshtein distance, for "did you mean" suggestions.</summary>
    public static int Distance(string a, string b) => Spelling.Distance(a, b);

    /// <summary>The candidates closest to <paramref name="name"/>: within a third of its length, or containing it.</summary>
    public static IReadOnlyList<string> Closest(string name, IEnumerable<string> candidates, int max = 3) => Spelling.Closest(name, candidates, max);
}
