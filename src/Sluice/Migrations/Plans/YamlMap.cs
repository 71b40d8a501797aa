using System.Globalization;
using Sluice.Errors;
using Sluice.Text;
using YamlDotNet.RepresentationModel;

namespace Sluice.Migrations.Plans;

/// <summary>
/// One YAML mapping read key by key with its line numbers. Its keys are checked against the known ones first, before
/// any value is read, so a misspelt key is reported as itself (with the closest known key) rather than as the missing
/// key it was meant to be. Every scalar is taken as text and converted here, so YAML 1.1's <c>yes</c>/<c>on</c>/<c>0123</c>
/// surprises cannot happen.
/// </summary>
internal sealed class YamlMap
{
    private readonly YamlMappingNode _node;
    private readonly string _file;
    private readonly string _what;
    public YamlMap(YamlNode node, string file, string what, IReadOnlyList<string> known)
    {
        _file = file;
        _what = what;
        _node = node as YamlMappingNode ?? throw Error(ErrorCodes.NotYaml, node, $"{what} must be a mapping of keys to values",
            "write it as 'key: value' lines");
        RejectUnknownKeys(known);
    }

    public int Line => LineOf(_node);

    public string File => _file;

    public YamlNode? Node(string key)
    {
        return _node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;
    }

    public string? OptionalText(string key)
    {
        var node = Node(key);
        if (node is null) return null;
        if (node is not YamlScalarNode scalar)
            throw Error(ErrorCodes.BadValue, node, $"'{key}' of {_what} must be a single value", $"write '{key}: <value>'");
        return scalar.Value;
    }

    public string RequiredText(string key, string remedy)
    {
        var value = OptionalText(key);
        if (string.IsNullOrWhiteSpace(value))
            throw Error(ErrorCodes.MissingKey, _node, $"{_what} has no '{key}'", remedy);
        return value;
    }

    public TEnum? OptionalEnum<TEnum>(string key) where TEnum : struct, Enum
    {
        var text = OptionalText(key);
        if (text is null) return null;
        if (Enum.TryParse<TEnum>(text, ignoreCase: true, out var value) && !int.TryParse(text, CultureInfo.InvariantCulture, out _))
            return value;
        var allowed = string.Join("|", Enum.GetNames<TEnum>().Select(n => n.ToLowerInvariant()));
        throw Error(ErrorCodes.BadValue, Node(key)!, $"'{key}' of {_what} is '{text}'", $"use one of {allowed}");
    }

    public bool? OptionalBool(string key)
    {
        var text = OptionalText(key);
        return text switch
        {
            null => null,
            "true" => true,
            "false" => false,
            _ => throw Error(ErrorCodes.BadValue, Node(key)!, $"'{key}' of {_what} is '{text}', not a boolean", "write true or false"),
        };
    }

    public int? OptionalInt(string key, int min)
    {
        var text = OptionalText(key);
        if (text is null) return null;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min) return value;
        throw Error(ErrorCodes.BadValue, Node(key)!, $"'{key}' of {_what} is '{text}'", $"write a whole number of at least {min}");
    }

    public TimeSpan? OptionalDuration(string key)
    {
        var text = OptionalText(key);
        if (text is null) return null;
        if (Durations.TryParse(text, out var duration)) return duration;
        throw Error(ErrorCodes.BadDuration, Node(key)!, $"'{key}' of {_what} is '{text}', not a duration",
            "write a number and a unit: 200ms, 30s, 5m, 2h, 1d (or combined: 1h30m)");
    }

    /// <summary>Throws SLU021 for the first key that is not one of <paramref name="known"/>, naming it, its line and the
    /// closest known keys.</summary>
    private void RejectUnknownKeys(IReadOnlyList<string> known)
    {
        foreach (var (key, _) in _node.Children)
        {
            var name = (key as YamlScalarNode)?.Value ?? key.ToString();
            if (known.Contains(name, StringComparer.Ordinal)) continue;
            var closest = Spelling.Closest(name, known, max: 1);
            throw Error(ErrorCodes.UnknownKey, key, $"unknown key '{name}' in {_what} (line {LineOf(key)})",
                (closest.Count > 0 ? $"did you mean '{closest[0]}'? " : "") + $"the keys are: {string.Join(", ", known)}");
        }
    }

    public SluiceException Error(string code, YamlNode at, string message, string remedy) =>
        SluiceException.Usage(code, message, remedy, _file, LineOf(at));

    public static int LineOf(YamlNode node) => (int)node.Start.Line;
}
