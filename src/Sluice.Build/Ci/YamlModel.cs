using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Sluice.Build.Ci;

/// <summary>
/// A small YAML document model for generated CI files. Serialisation goes through YamlDotNet; this model only decides
/// scalar styles: a string that any YAML 1.1 or 1.2 reader could take for something else (<c>on</c>, <c>yes</c>,
/// <c>0123</c>, <c>1.5</c>, <c>null</c>, ...) is always quoted, so it stays a string everywhere.
/// </summary>
internal abstract class Y
{
    [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(value))]
    public static implicit operator Y?(string? value) => value is null ? null : new YString(value);
    public static implicit operator Y(long value) => new YNumber(value);
    public static implicit operator Y(bool value) => new YBoolean(value);

    internal abstract YamlNode ToNode();
}

internal sealed class YString(string Value) : Y
{
    internal override YamlNode ToNode()
    {
        var style = Value.Contains('\n') ? ScalarStyle.Literal : YamlScalars.IsAmbiguous(Value) ? ScalarStyle.DoubleQuoted : ScalarStyle.Any;
        return new YamlScalarNode(Value) { Style = style };
    }
}

internal sealed class YNumber(long Value) : Y
{
    internal override YamlNode ToNode() => new YamlScalarNode(Value.ToString(System.Globalization.CultureInfo.InvariantCulture)) { Style = ScalarStyle.Plain };
}

internal sealed class YBoolean(bool Value) : Y
{
    internal override YamlNode ToNode() => new YamlScalarNode(Value ? "true" : "false") { Style = ScalarStyle.Plain };
}

internal sealed class YSequence(IReadOnlyList<Y> Items) : Y
{
    public YSequence(params Y[] items) : this((IReadOnlyList<Y>)items) { }

    internal override YamlNode ToNode() => new YamlSequenceNode(Items.Select(i => i.ToNode()));
}

/// <summary>An ordered mapping; entries whose value is null are left out, so optional keys read naturally.</summary>
internal sealed class YMap : Y, IEnumerable<KeyValuePair<string, Y>>
{
    private readonly List<KeyValuePair<string, Y>> _entries = [];

    public void Add(string key, Y? value)
    {
        if (value is null) return;
        if (_entries.Any(e => e.Key == key)) throw new ArgumentException($"duplicate key '{key}'", nameof(key));
        _entries.Add(new(key, value));
    }

    public Y? this[string key] => _entries.FirstOrDefault(e => e.Key == key).Value;

    public bool IsEmpty => _entries.Count == 0;

    internal override YamlNode ToNode()
    {
        var node = new YamlMappingNode();
        foreach (var (key, value) in _entries) node.Add(new YString(key).ToNode(), value.ToNode());
        return node;
    }

    public IEnumerator<KeyValuePair<string, Y>> GetEnumerator() => _entries.GetEnumerator();
    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The document as YAML text, after <paramref name="header"/> comment lines.</summary>
    public string ToYaml(params string[] header)
    {
        var stream = new YamlStream(new YamlDocument(ToNode()));
        using var writer = new StringWriter { NewLine = "\n" };
        foreach (var line in header) writer.Write($"# {line}\n");
        stream.Save(writer, assignAnchors: false);
        var text = writer.ToString().Replace("\r\n", "\n");
        // YamlDotNet ends a document with "...": fine for readers, noise in a committed file.
        if (text.EndsWith("...\n", StringComparison.Ordinal)) text = text[..^4];
        return text;
    }
}

internal static partial class YamlScalars
{
    /// <summary>True when a plain scalar with this text would not read back as this string under YAML 1.1 or 1.2.</summary>
    public static bool IsAmbiguous(string value) =>
        value.Length == 0 || value != value.Trim() || Resolvable().IsMatch(value) || Indicator().IsMatch(value) || value.Contains(": ") || value.Contains(" #");

    // Booleans and nulls of YAML 1.1 (y, yes, on, ...) and 1.2, numbers in any base, floats, sexagesimals, timestamps.
    [GeneratedRegex(@"^(y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL|~|[-+]?(0|[1-9][0-9_]*|0[0-7_]+|0b[01_]+|0x[0-9a-fA-F_]+|0o[0-7]+|[0-9][0-9_]*(:[0-5]?[0-9])+)|[-+]?([0-9][0-9_]*)?\.[0-9_]*([eE][-+]?[0-9]+)?|[-+]?[0-9]+[eE][-+]?[0-9]+|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)|\d{4}-\d\d?-\d\d?([Tt ].*)?|0[0-9]+)$")]
    private static partial Regex Resolvable();

    // Characters that cannot start a plain scalar.
    [GeneratedRegex(@"^[-?:,\[\]{}#&*!|>'""%@`]")]
    private static partial Regex Indicator();
}
