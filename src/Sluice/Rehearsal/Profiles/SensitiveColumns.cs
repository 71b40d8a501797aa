using Sluice.Errors;
using YamlDotNet.RepresentationModel;

namespace Sluice.Rehearsal.Profiles;

/// <summary>
/// Columns whose values must not leave the environment, as listed in <c>pipelines/&lt;service&gt;/sluice.yaml</c>
/// (<c>sensitive_columns: [customers.email, customers.full_name]</c>; a name without a schema means <c>public</c>).
/// </summary>
public sealed record SensitiveColumns(IReadOnlySet<string> QualifiedNames)
{
    public static readonly SensitiveColumns None = new(new HashSet<string>(StringComparer.Ordinal));

    public bool Contains(string schema, string table, string column) =>
        QualifiedNames.Contains($"{schema}.{table}.{column}");

    public static SensitiveColumns Parse(IEnumerable<string> names) =>
        new(names.Select(n => n.Count(c => c == '.') == 1 ? $"public.{n}" : n).ToHashSet(StringComparer.Ordinal));

    /// <summary>Reads <c>sluice.yaml</c> in the service folder; no file or no key means no sensitive columns.</summary>
    public static async Task<SensitiveColumns> LoadAsync(string serviceFolder, CancellationToken cancellationToken)
    {
        var file = Path.Combine(serviceFolder, "sluice.yaml");
        if (!File.Exists(file)) return None;
        var stream = YamlInput.Load(await File.ReadAllTextAsync(file, cancellationToken), file, ErrorCodes.BadServiceConfig, "sluice.yaml", "fix the YAML");
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root) return None;
        if (!root.Children.TryGetValue(new YamlScalarNode("sensitive_columns"), out var node)) return None;
        if (node is not YamlSequenceNode list || list.Children.Any(c => c is not YamlScalarNode s || s.Value is null || s.Value.Count(ch => ch == '.') is < 1 or > 2))
            throw SluiceException.Usage(ErrorCodes.BadServiceConfig, "sensitive_columns must be a list of table.column (or schema.table.column) names",
                "write sensitive_columns: [customers.email, customers.full_name]", file, (int)node.Start.Line);
        return Parse(list.Children.Cast<YamlScalarNode>().Select(s => s.Value!));
    }
}
