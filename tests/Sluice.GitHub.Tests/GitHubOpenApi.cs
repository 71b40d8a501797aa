using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;

[assembly: AssemblyFixture(typeof(Sluice.GitHub.Tests.GitHubOpenApi))]

namespace Sluice.GitHub.Tests;

/// <summary>
/// GitHub's published OpenAPI description (npm <c>@octokit/openapi</c>, installed with <c>npm ci</c> in
/// <c>tests/validators/github-openapi</c> on first use): it makes the fake's base response bodies and checks every
/// exchange with the fake. A missing Node.js fails the test with the install command, never skips it.
/// </summary>
public sealed class GitHubOpenApi
{
    private readonly SemaphoreSlim _install = new(1, 1);
    private bool _installed;

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
        await EnsureInstalledAsync(ct);
        var file = Path.Combine(Path.GetTempPath(), $"sluice-github-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, input.ToJsonString(), ct);
        try
        {
            return await ProcessAsync("node", ["openapi.mjs", command, file], ct);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private async Task EnsureInstalledAsync(CancellationToken ct)
    {
        await _install.WaitAsync(ct);
        try
        {
            if (_installed) return;
            var marker = Path.Combine(Folder, "node_modules", "@octokit", "openapi", "package.json");
            if (!File.Exists(marker))
            {
                var (code, output) = await ProcessAsync("npm", ["ci", "--no-audit", "--no-fund"], ct);
                if (code != 0 || !File.Exists(marker))
                    throw new Xunit.Sdk.XunitException($"could not install @octokit/openapi (npm ci in tests/validators/github-openapi exited {code}); install Node.js 20 and npm (apt-get install -y nodejs npm).\n{output}");
            }
            _installed = true;
        }
        finally
        {
            _install.Release();
        }
    }

    private static async Task<(int, string)> ProcessAsync(string file, string[] arguments, CancellationToken ct)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Folder };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new Xunit.Sdk.XunitException($"'{file}' is not installed ({e.Message}): install Node.js 20 and npm (apt-get install -y nodejs npm)");
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync(ct);
            var stderr = process.StandardError.ReadToEndAsync(ct);
            await process.WaitForExitAsync(ct);
            return (process.ExitCode, await stdout + await stderr);
        }
    }
}
