using System.Globalization;
using System.Text.RegularExpressions;

namespace Sluice.Build.Tests.Ci.Behaviour;

/// <summary>
/// The subset of GitHub's expression language the writers emit: literals, context paths (<c>needs.x.outputs.y</c>),
/// <c>== != &amp;&amp; || !</c>, parentheses and the status functions. <c>&amp;&amp;</c> and <c>||</c> return an
/// operand, as GitHub's do; comparisons of strings ignore case. Anything else is an error, so a writer change that
/// leaves the subset fails the behaviour tests instead of passing them silently.
/// </summary>
public sealed partial class GitHubExpression(Func<string, object?> lookup, Func<string, bool> status)
{
    private List<string> _tokens = [];
    private int _at;

    /// <summary>Replaces every <c>${{ ... }}</c> in <paramref name="text"/> with its value.</summary>
    public string Interpolate(string text) => Embedded().Replace(text, m => Text(Evaluate(m.Groups[1].Value)));

    public static bool Truthy(object? value) => value switch
    {
        null => false,
        bool b => b,
        string s => s.Length > 0,
        double d => d != 0,
        _ => true,
    };

    public static string Text(object? value) => value switch
    {
        null => "",
        bool b => b ? "true" : "false",
        double d => d.ToString(CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    public object? Evaluate(string expression)
    {
        _tokens = Token().Matches(expression).Select(m => m.Value).Where(t => !string.IsNullOrWhiteSpace(t)).ToList();
        _at = 0;
        var value = Or();
        if (_at != _tokens.Count) throw new FormatException($"unexpected '{_tokens[_at]}' in {expression}");
        return value;
    }

    private string? Peek => _at < _tokens.Count ? _tokens[_at] : null;

    private object? Or()
    {
        var left = And();
        while (Peek == "||") { _at++; var right = And(); left = Truthy(left) ? left : right; }
        return left;
    }

    private object? And()
    {
        var left = Comparison();
        while (Peek == "&&") { _at++; var right = Comparison(); left = Truthy(left) ? right : left; }
        return left;
    }

    private object? Comparison()
    {
        var left = Unary();
        while (Peek is "==" or "!=")
        {
            var op = _tokens[_at++];
            var right = Unary();
            var equal = string.Equals(Text(left), Text(right), StringComparison.OrdinalIgnoreCase);
            left = op == "==" ? equal : !equal;
        }
        return left;
    }

    private object? Unary()
    {
        if (Peek == "!") { _at++; return !Truthy(Unary()); }
        return Primary();
    }

    private object? Primary()
    {
        var token = _tokens[_at++];
        if (token == "(") { var inner = Or(); Expect(")"); return inner; }
        if (token.StartsWith('\'')) return token[1..^1].Replace("''", "'");
        if (token is "true" or "false") return token == "true";
        if (double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)) return number;
        if (Peek == "(")
        {
            _at++;
            var arguments = new List<object?>();
            while (Peek != ")") { arguments.Add(Or()); if (Peek == ",") _at++; }
            _at++;
            return token switch
            {
                "success" or "failure" or "always" or "cancelled" => status(token),
                "hashFiles" => "0123abcd",
                _ => throw new FormatException($"function {token} is not in the subset the writers emit"),
            };
        }
        return lookup(token);
    }

    private void Expect(string token)
    {
        if (Peek != token) throw new FormatException($"expected '{token}'");
        _at++;
    }

    [GeneratedRegex(@"\$\{\{\s*(.*?)\s*\}\}")]
    private static partial Regex Embedded();

    [GeneratedRegex(@"'(?:[^']|'')*'|==|!=|&&|\|\||[!(),]|[A-Za-z_][A-Za-z0-9_.\-]*|[0-9.]+|\s+")]
    private static partial Regex Token();
}
