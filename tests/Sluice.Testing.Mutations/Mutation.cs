using System.Text;
using System.Text.RegularExpressions;

namespace Sluice.Testing.Mutations;

/// <summary>The two dialects of Sluice's input files: their tokens differ, so do their likely mistakes.</summary>
public enum Dialect
{
    Yaml,
    Json,
}

/// <summary>The ways a person (or an editor, or a broken copy) damages an input file.</summary>
public enum MutationKind
{
    FlipChar,
    Delete,
    InsertToken,
    RenameKey,
    SwapType,
    DuplicateLine,
    HugeNumber,
    BadDuration,
    Unicode,
    Truncate,
    Empty,
    Bom,
    Tabs,
    CrLf,
    FlipByte,
}

/// <summary>
/// One mutation: a kind and two random numbers that pick where and what. Plain numbers keep CsCheck's shrinking
/// meaningful (smaller numbers, earlier positions) and make the record's text a replayable description.
/// </summary>
public sealed partial record Mutation(MutationKind Kind, uint Where, uint What)
{
    private static readonly string[] YamlTokens =
        [": ", "- ", "\n", "  ", "\t", "[", "]", "{", "}", ",", "&a ", "*a", "<<: *a\n", "!!str ", "!!map ", "---\n", "...\n", "? ",
         "#", "'", "\"", "|\n", ">-\n", "~", "null", "%YAML 1.1\n", "@", "`", "\\", "\0"];
    private static readonly string[] JsonTokens =
        ["{", "}", "[", "]", ",", ":", "\"", "null", "true", "false", "1e999", "-1", "0.5", "\"\\u0000\"", "\"\\ud800\"", "/*", "*/", "//", "\n",
         "\t", "\\", "NaN", "Infinity", "\"x\": 1,", "\0"];
    private static readonly string[] YamlTypes = ["[a, b]", "{a: 1}", "\n    - x\n    - y", "\n    k: v", "''", "~", "[]", "{}", "\"\"", "- x", "true", "12"];
    private static readonly string[] JsonTypes = ["[]", "{}", "[1, \"a\"]", "{\"a\": 1}", "\"x\"", "1", "-1", "true", "null", "\"\"", "1.5", "[[]]"];
    private static readonly string[] HugeNumbers =
        ["99999999999999999999", "2147483648", "-2147483649", "9223372036854775808", "-1", "0", "1e309", "1.5", "0x10", "00012", "+3", "١٢"];
    private static readonly string[] BadDurations =
        ["-5m", "0s", "0ms", "99999999999999d", "9223372036854775807ms", "1h-30m", "1.5h", "5", "m", "1 h", "PT5M", "00:00:-1", "10675199d", "1y"];
    private static readonly string[] Unicode = ["é", "\u200b", "😀", "İ", "\u00a0", "\u2028", "\ufeff", "\u202e", "ﬁ", "Ω", "\u0301", "\ufffd"];
    private static readonly string[] KeyRenames = ["{0}s", "{0}_", "_{0}", "{0}{0}", "", "{1}", "{0} ", " {0}", "Ｋ{0}", "{0}é", "x", "id"];

    /// <summary>Applies the text mutations; <see cref="MutationKind.FlipByte"/> acts on bytes in <see cref="ApplyBytes"/>.</summary>
    public string Apply(string text, Dialect dialect)
    {
        var at = text.Length == 0 ? 0 : (int)(Where % (uint)(text.Length + 1));
        switch (Kind)
        {
            case MutationKind.FlipChar when text.Length > 0:
                var flipped = Pick(dialect == Dialect.Yaml ? YamlTokens : JsonTokens);
                var index = Math.Min(at, text.Length - 1);
                return string.Concat(text.AsSpan(0, index), flipped.AsSpan(0, 1), text.AsSpan(index + 1));
            case MutationKind.Delete:
                return text.Remove(at, Math.Min((int)(What % 40) + 1, text.Length - at));
            case MutationKind.InsertToken:
                return text.Insert(at, Pick(dialect == Dialect.Yaml ? YamlTokens : JsonTokens));
            case MutationKind.RenameKey:
                return ReplaceNth(text, dialect == Dialect.Yaml ? YamlKey() : JsonKey(), 1, key =>
                    string.Format(System.Globalization.CultureInfo.InvariantCulture, Pick(KeyRenames), key, key.ToUpperInvariant()));
            case MutationKind.SwapType:
                return ReplaceNth(text, dialect == Dialect.Yaml ? YamlValue() : JsonValue(), 1, _ => Pick(dialect == Dialect.Yaml ? YamlTypes : JsonTypes));
            case MutationKind.DuplicateLine:
                var lines = text.Split('\n').ToList();
                var line = (int)(Where % (uint)lines.Count);
                lines.Insert((int)(What % (uint)(lines.Count + 1)), lines[line]);
                return string.Join('\n', lines);
            case MutationKind.HugeNumber:
                return ReplaceNth(text, Number(), 0, _ => Pick(HugeNumbers));
            case MutationKind.BadDuration:
                return ReplaceNth(text, Duration(), 0, _ => Pick(BadDurations));
            case MutationKind.Unicode:
                return text.Insert(at, Pick(Unicode));
            case MutationKind.Truncate:
                return text[..at];
            case MutationKind.Empty:
                return (What % 3) switch { 0 => "", 1 => "\n", _ => "   \n\t\n" };
            case MutationKind.Bom:
                return "\ufeff" + text;
            case MutationKind.Tabs:
                return ReplaceNth(text, Indent(), 0, _ => "\t");
            case MutationKind.CrLf:
                return text.Replace("\n", (What % 2) == 0 ? "\r\n" : "\r", StringComparison.Ordinal);
            default:
                return text;
        }
    }

    /// <summary>Flips one bit of the encoded file: invalid UTF-8, a control character, a different letter.</summary>
    public byte[] ApplyBytes(byte[] bytes)
    {
        if (Kind != MutationKind.FlipByte || bytes.Length == 0) return bytes;
        var copy = (byte[])bytes.Clone();
        copy[(int)(Where % (uint)copy.Length)] ^= (byte)(1 << (int)(What % 8));
        return copy;
    }

    /// <summary>Applies every mutation in order and encodes the result as UTF-8 (without a BOM unless one was inserted).</summary>
    public static byte[] ApplyAll(string text, IEnumerable<Mutation> mutations, Dialect dialect)
    {
        var list = mutations.ToList();
        foreach (var mutation in list) text = mutation.Apply(text, dialect);
        var bytes = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(text);
        foreach (var mutation in list) bytes = mutation.ApplyBytes(bytes);
        return bytes;
    }

    private string Pick(string[] choices) => choices[(int)(What % (uint)choices.Length)];

    /// <summary>Replaces group <paramref name="group"/> of one match (chosen by <see cref="Where"/>); the text is unchanged without a match.</summary>
    private string ReplaceNth(string text, Regex pattern, int group, Func<string, string> replacement)
    {
        var matches = pattern.Matches(text);
        if (matches.Count == 0) return text;
        var target = matches[(int)(Where % (uint)matches.Count)].Groups[group];
        return string.Concat(text.AsSpan(0, target.Index), replacement(target.Value), text.AsSpan(target.Index + target.Length));
    }

    [GeneratedRegex(@"(?m)^[ \t\-]*([A-Za-z_][A-Za-z0-9_]*):", RegexOptions.CultureInvariant)]
    private static partial Regex YamlKey();

    [GeneratedRegex(@"""([^""\\]+)""\s*:", RegexOptions.CultureInvariant)]
    private static partial Regex JsonKey();

    [GeneratedRegex(@"(?m):[ ]+([^\n#]+)$", RegexOptions.CultureInvariant)]
    private static partial Regex YamlValue();

    [GeneratedRegex(@":\s*(""[^""]*""|-?\d[\d.eE+-]*|true|false|null|\[\]|\{\})", RegexOptions.CultureInvariant)]
    private static partial Regex JsonValue();

    [GeneratedRegex(@"-?\d+(\.\d+)?", RegexOptions.CultureInvariant)]
    private static partial Regex Number();

    [GeneratedRegex(@"\b\d+(ms|s|m|h|d)\b", RegexOptions.CultureInvariant)]
    private static partial Regex Duration();

    [GeneratedRegex(@"(?m)^ +", RegexOptions.CultureInvariant)]
    private static partial Regex Indent();
}
