using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Sluice.Testing;

[assembly: AssemblyFixture(typeof(Sluice.GitHub.Tests.GitHubOpenApi))]

namespace Sluice.GitHub.Tests;

/// <summary>
/// GitHub's published OpenAPI description (npm <c>@octokit/openapi</c>, installed with <c>npm ci</c> in
/// <c>tests/validators/github-openapi</c> on first use): it makes the fake's base response bodies and checks every
/// exchange with the fake. A missing Node.js fails the test with the install command, never skips it.
/// </summary>
public sealed class GitHubOpenApi
{
    private readonly NpmValidatorFolder _npm = new(Folder, Path.Combine(Folder, "node_modules", "@octokit", "openapi", "package.json"), "@octokit/openapi");

    public static string RepositoryRoot { get; } = typeof(GitHubOpenApi).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .First(a => a.Key == "RepositoryRoot").Value!;

    private static string Folder => Path.Combine(RepositoryRoot, "tests", "validators", "github-openapi");

    /// <summary>The findings of checking <paramref name="exchanges"/>; empty when every one validates.</summary>
    public async Task<IReadOnlyList<string>> FindingsAsync(IEnumerable<FakeExchange> exchanges, CancellationToken ct)
    {
        var input = new JsonArray(exchanges.Select(x => (JsonNode)new JsonObject
        {
            ["method"] = x.Method, ["path"] = x.Path, ["status"] = x.Status,
            ["request"] = x.Request?.DeepClone(),
            ["response"] = x.Fault ? null : x.Response?.DeepClone(),
            ["fault"] = x.Fault,
        }).ToArray());
        var (code, output) = await RunAsync("validate", input, ct);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (code is not (0 or 1) || !lines.Any(l => l.Contains("exchange(s) checked"))) throw new Xunit.Sdk.XunitException($"the OpenAPI check did not run (exit {code}):\n{output}");
        return lines.Where(l => !l.Contains("exchange(s) checked")).ToList();
    }

    /// <summary>Minimal valid bodies of the answers named "METHOD /path STATUS" (an array's item for a list).</summary>
    public async Task<IReadOnlyDictionary<string, JsonObject>> ExamplesAsync(IEnumerable<(string Method, string Path, int Status)> wanted, CancellationToken ct)
    {
        var input = new JsonArray(wanted.Select(w => (JsonNode)new JsonObject { ["method"] = w.Method, ["path"] = w.Path, ["status"] = w.Status }).ToArray());
        var (code, output) = await RunAsync("examples", input, ct);
        if (code != 0) throw new Xunit.Sdk.XunitException($"the OpenAPI examples failed (exit {code}):\n{output}");
        return JsonNode.Parse(output)!.AsObject().ToDictionary(p => p.Key, p => p.Value!.AsObject());
    }

    private async Task<(int, string)> RunAsync(string command, JsonArray input, CancellationToken ct)
    {
        await _npm.EnsureInstalledAsync(ct);
        var file = Path.Combine(Path.GetTempPath(), $"sluice-github-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, input.ToJsonString(), ct);
        try
        {
            return await _npm.RunAsync("node", ["openapi.mjs", command, file], ct);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
