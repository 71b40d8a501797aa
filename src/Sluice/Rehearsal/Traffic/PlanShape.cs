using System.Text.Json;

namespace Sluice.Rehearsal.Traffic;

/// <summary>
/// A plan's shape from <c>EXPLAIN (FORMAT JSON, VERBOSE)</c>: one line per node in tree order, indented by depth, with
/// the node type, a modify node's operation, the index and the relation. Costs, row estimates, outputs and conditions
/// are left out: they differ with data size and would name values.
/// </summary>
public static class PlanShape
{
    public static IReadOnlyList<string> FromExplainJson(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement.ValueKind == JsonValueKind.Array ? document.RootElement[0] : document.RootElement;
        var lines = new List<string>();
        Walk(root.GetProperty("Plan"), 0, lines);
        return lines;
    }

    /// <summary>The indexes a shape's nodes use.</summary>
    public static IReadOnlySet<string> Indexes(IEnumerable<string> shape) =>
        shape.Select(l => l.IndexOf(" using ", StringComparison.Ordinal) is var at and >= 0 ? l[(at + 7)..].Split(' ')[0] : null)
            .OfType<string>().ToHashSet(StringComparer.Ordinal);

    /// <summary>The relations a shape's nodes read or write (schema-qualified).</summary>
    public static IReadOnlySet<string> Relations(IEnumerable<string> shape) =>
        shape.Select(l => l.IndexOf(" on ", StringComparison.Ordinal) is var at and >= 0 ? l[(at + 4)..] : null)
            .OfType<string>().ToHashSet(StringComparer.Ordinal);

    private static void Walk(JsonElement node, int depth, List<string> lines)
    {
        var line = new string(' ', 2 * depth) + Text(node, "Node Type");
        if (Text(node, "Operation") is { } operation) line += $" ({operation})";
        if (Text(node, "Index Name") is { } index) line += $" using {index}";
        if (Text(node, "Relation Name") is { } relation)
            line += Text(node, "Schema") is { } schema ? $" on {schema}.{relation}" : $" on {relation}";
        lines.Add(line);
        if (node.TryGetProperty("Plans", out var children))
            foreach (var child in children.EnumerateArray()) Walk(child, depth + 1, lines);
    }

    private static string? Text(JsonElement node, string name) =>
        node.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
