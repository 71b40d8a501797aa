using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace Sluice.Adapters.Tests.Fakes;

/// <summary>The excerpts of the official API descriptions under Specs/, which the fakes check what they accept and serve against.</summary>
public static class SpecExcerpts
{
    public static string PathOf(string file) => Path.Combine(AppContext.BaseDirectory, "Specs", file);

    public static JsonObject Load(string file) => JsonNode.Parse(File.ReadAllText(PathOf(file)))!.AsObject();

    /// <summary>The schema's complaints about <paramref name="instance"/>, each with its JSON pointer; none when it is valid.</summary>
    public static IReadOnlyList<string> Errors(JsonSchema schema, JsonNode instance)
    {
        using var doc = JsonDocument.Parse(instance.ToJsonString());
        var result = schema.Evaluate(doc.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (result.IsValid) return [];
        return (result.Details ?? []).Where(d => d.Errors is not null)
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"))
            .Distinct().ToList();
    }
}
