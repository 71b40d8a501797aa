using Sluice.Errors;
using YamlDotNet.RepresentationModel;

namespace Sluice.Migrations.Invariants;

/// <summary>
/// A named SQL assertion about the service's data, from <c>invariants</c> in <c>pipelines/&lt;service&gt;/sluice.yaml</c>:
/// <c>sql</c> returns one value; <c>expect</c> is the value it must return; <c>stable: true</c> means a release must not
/// change it (its value after each phase equals its value before the first one). At least one of the two is given.
/// </summary>
public sealed record ServiceInvariant(string Name, string Sql, string? Expect, bool Stable, string File, int Line)
{
    private static readonly string[] Keys = ["name", "sql", "expect", "stable"];

    /// <summary>The invariants of the service folder's <c>sluice.yaml</c>; none when the file or the key is absent. A
    /// malformed one is a usage error naming the file and line (SLU238).</summary>
    public static IReadOnlyList<ServiceInvariant> Load(string serviceFolder)
    {
        var file = Path.Combine(serviceFolder, "sluice.yaml");
        if (!System.IO.File.Exists(file)) return [];
        var stream = YamlInput.Load(System.IO.File.ReadAllText(file), file, ErrorCodes.BadServiceConfig, "sluice.yaml", "fix the YAML");
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root) return [];
        if (!root.Children.TryGetValue(new YamlScalarNode("invariants"), out var node)) return [];
        if (node is not YamlSequenceNode list)
            throw Bad("invariants must be a list of { name, sql, expect or stable: true }", file, node);
        var invariants = new List<ServiceInvariant>();
        foreach (var item in list.Children)
        {
            if (item is not YamlMappingNode map) throw Bad("each invariant is a mapping with name and sql", file, item);
            string? Text(string key) => map.Children.TryGetValue(new YamlScalarNode(key), out var v) ? (v as YamlScalarNode)?.Value : null;
            if (map.Children.Keys.OfType<YamlScalarNode>().FirstOrDefault(k => !Keys.Contains(k.Value)) is { } unknown)
                throw Bad($"invariant key '{unknown.Value}' is unknown (known: {string.Join(", ", Keys)})", file, unknown);
            var name = Text("name");
            var sql = Text("sql");
            if (string.IsNullOrWhiteSpace(name) || string.IsNullOrWhiteSpace(sql)) throw Bad("an invariant needs a name and its sql", file, item);
            var stableText = Text("stable");
            if (stableText is not null and not ("true" or "false")) throw Bad($"invariant '{name}': stable is true or false, not '{stableText}'", file, item);
            var expect = Text("expect");
            var stable = stableText == "true";
            if (expect is null && !stable) throw Bad($"invariant '{name}' asserts nothing: give 'expect: VALUE' or 'stable: true'", file, item);
            if (invariants.Any(i => i.Name == name)) throw Bad($"invariant '{name}' appears twice", file, item);
            invariants.Add(new ServiceInvariant(name, sql, expect, stable, file, (int)item.Start.Line));
        }
        return invariants;
    }

    private static SluiceException Bad(string what, string file, YamlNode node) =>
        SluiceException.Usage(ErrorCodes.BadInvariant, what, "write invariants: [{ name: every_order_has_a_customer, sql: 'SELECT count(*) ...', expect: '0' }]",
            file, (int)node.Start.Line);
}
