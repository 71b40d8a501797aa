using System.Text;

namespace Sluice.Migrations.Plans;

/// <summary>
/// A table or column name as a plan writes it, read the way PostgreSQL reads an identifier in SQL:
/// <list type="number">
/// <item>Parts are separated by <c>.</c>; spaces around a part are ignored.</item>
/// <item>A quoted part (<c>"OrderLines"</c>) keeps its case and any character but NUL; <c>""</c> inside it is one
/// quote; it cannot be empty.</item>
/// <item>An unquoted part starts with a letter or <c>_</c> and goes on with letters, digits, <c>_</c> or <c>$</c>;
/// it is folded to lower case as PostgreSQL folds it (<c>Customers</c> is <c>customers</c>).</item>
/// <item>A part is at most 63 bytes in UTF-8 (PostgreSQL would cut a longer one silently and act on another name).</item>
/// <item>A table has one or two parts (<c>schema.table</c>); a column has one.</item>
/// <item>Anything else (a space or <c>;</c> inside an unquoted part, an unterminated quote, a dangling <c>.</c>) is
/// not a name: the error says what was found where.</item>
/// </list>
/// The parts hold the real names; the PostgreSQL provider quotes them in one place (<c>Sql.Qualified</c>), so any real
/// name works and no text of a plan reaches SQL unquoted.
/// </summary>
/// <param name="Schema">The schema, when the name is qualified.</param>
/// <param name="Name">The object's own name.</param>
/// <param name="Text">The name as the plan wrote it, for messages.</param>
public sealed record SqlName(string? Schema, string Name, string Text)
{
    /// <summary>PostgreSQL's NAMEDATALEN - 1.</summary>
    public const int MaxBytes = 63;

    public override string ToString() => Text;

    /// <summary>Parses a name already known to be one; <see cref="FormatException"/> otherwise.</summary>
    public static SqlName Parse(string text, int maxParts) =>
        TryParse(text, maxParts, out var name, out var error) ? name! : throw new FormatException($"'{text}' is not a name: {error}");

    /// <summary>Parses <paramref name="text"/> into at most <paramref name="maxParts"/> parts (2 for a table, 1 for a column).</summary>
    /// <param name="error">Why it is not a name, when it is not.</param>
    public static bool TryParse(string text, int maxParts, out SqlName? name, out string? error)
    {
        name = null;
        var parts = new List<string>();
        var at = 0;
        while (true)
        {
            SkipSpaces(text, ref at);
            var part = ReadPart(text, ref at, out error);
            if (part is null) return false;
            if (Encoding.UTF8.GetByteCount(part) > MaxBytes)
            {
                error = $"'{Shorten(part)}' is {Encoding.UTF8.GetByteCount(part)} bytes long; PostgreSQL names are at most {MaxBytes}";
                return false;
            }
            parts.Add(part);
            SkipSpaces(text, ref at);
            if (at == text.Length) break;
            if (text[at] != '.')
            {
                error = $"unexpected '{text[at]}' at character {at + 1}";
                return false;
            }
            at++;
        }
        if (parts.Count > maxParts)
        {
            error = maxParts == 1 ? "a column name has no '.' (quote it if the name holds one: \"a.b\")" : $"a name has at most {maxParts} parts (schema.table)";
            return false;
        }
        name = parts.Count == 2 ? new SqlName(parts[0], parts[1], text) : new SqlName(null, parts[0], text);
        return true;
    }

    private static string? ReadPart(string text, ref int at, out string? error)
    {
        error = null;
        if (at == text.Length)
        {
            error = at == 0 ? "the name is empty" : $"a name is missing after '.' at character {at}";
            return null;
        }
        if (text[at] == '"') return ReadQuoted(text, ref at, out error);
        if (!char.IsLetter(text[at]) && text[at] != '_')
        {
            error = $"unexpected '{text[at]}' at character {at + 1}: an unquoted name starts with a letter or '_' (quote any other name: \"{text.Trim()}\")";
            return null;
        }
        var start = at;
        while (at < text.Length && (char.IsLetterOrDigit(text[at]) || text[at] is '_' or '$')) at++;
        // PostgreSQL folds only ASCII letters of an unquoted name in a UTF-8 database.
        return string.Create(at - start, text.Substring(start, at - start), (span, part) =>
        {
            for (var i = 0; i < part.Length; i++) span[i] = part[i] is >= 'A' and <= 'Z' ? (char)(part[i] + 32) : part[i];
        });
    }

    private static string? ReadQuoted(string text, ref int at, out string? error)
    {
        var opening = at++;
        var name = new StringBuilder();
        while (at < text.Length)
        {
            var c = text[at++];
            if (c == '\0')
            {
                error = $"a name cannot hold NUL (character {at})";
                return null;
            }
            if (c != '"')
            {
                name.Append(c);
                continue;
            }
            if (at < text.Length && text[at] == '"')
            {
                name.Append('"');
                at++;
                continue;
            }
            error = name.Length == 0 ? $"the quoted name at character {opening + 1} is empty" : null;
            return error is null ? name.ToString() : null;
        }
        error = $"the quote at character {opening + 1} is never closed";
        return null;
    }

    private static void SkipSpaces(string text, ref int at)
    {
        while (at < text.Length && char.IsWhiteSpace(text[at])) at++;
    }

    private static string Shorten(string part) => part.Length <= 20 ? part : part[..20] + "...";
}
