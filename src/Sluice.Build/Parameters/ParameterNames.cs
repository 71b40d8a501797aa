using System.Text;

namespace Sluice.Build;

/// <summary>The spellings of a parameter: member <c>TimeBudget</c>, option <c>--time-budget</c>, variable <c>SLUICE_TIME_BUDGET</c>.</summary>
public static class ParameterNames
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
    public static int Distance(string a, string b)
    {
        a = a.ToLowerInvariant();
        b = b.ToLowerInvariant();
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }

    /// <summary>The candidates closest to <paramref name="name"/>: within a third of its length, or containing it.</summary>
    public static IReadOnlyList<string> Closest(string name, IEnumerable<string> candidates, int max = 3)
    {
        var limit = Math.Max(2, name.Length / 3);
        return candidates
            .Select(c => (Name: c, Distance: Distance(name, c)))
            .Where(x => x.Distance <= limit
                        || x.Name.Contains(name, StringComparison.OrdinalIgnoreCase)
                        || (x.Name.Length >= 3 && name.Contains(x.Name, StringComparison.OrdinalIgnoreCase)))
            .OrderBy(x => x.Distance).ThenBy(x => x.Name, StringComparer.Ordinal)
            .Take(max)
            .Select(x => x.Name)
            .ToList();
    }
}
