using System.Diagnostics;
using System.Text.RegularExpressions;
using Sluice.Testing;

namespace Repository.Tests.Packages;

/// <summary>
/// Adopting Sluice as a team would (issue 17): from the packed packages and template only, a new repository for a
/// <c>billing</c> service whose first <c>Promote --env local</c> seeds its empty database from
/// <c>pipelines/billing/schema</c> and promotes, in at most five commands (<c>dotnet new</c> included) and two minutes,
/// compile included (the figure is in docs/adopting.md); then Status, Rollback, Rehearse and GenerateCi each succeed,
/// and a gate's remedy names only targets the build has.
/// </summary>
[Collection(PackedPackagesCollection.Name)]
public sealed class AdoptionTests(PackedPackages packages) : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly NewRepository _billing = new("sluice-adopt-", "billing");

    public void Dispose() => _billing.Dispose();

    [Fact]
    public async Task From_dotnet_new_to_a_first_Promote_in_few_commands_then_Status_Rollback_Rehearse_and_GenerateCi()
    {
        await _billing.CreateAsync(packages, Ct); // the template installed from the packed package (done once per machine)
        Directory.Delete(_billing.Root, recursive: true);
        Directory.CreateDirectory(_billing.Root);

        // What the user types, timed: 1. dotnet new sluice, 2. ./build.sh Promote --env local.
        var clock = Stopwatch.StartNew();
        var created = await _billing.NewAsync(Ct);
        Assert.True(created.ExitCode == 0, created.Output);
        var promote = await _billing.BuildAsync("Promote --env local", Ct);
        var firstPromote = clock.Elapsed;
        Assert.True(promote.ExitCode == 0, promote.Output);
        Assert.Contains("loaded 1 schema file(s) from pipelines/billing/schema", promote.Output);
        Assert.Contains("promoted 1 plan(s) to 'local'", promote.Output);
        TestContext.Current.TestOutputHelper?.WriteLine($"dotnet new sluice + first Promote --env local: 2 commands, {firstPromote.TotalSeconds:F0} s (uptime: {File.ReadAllText("/proc/loadavg").Trim()})");
        Assert.True(firstPromote < TimeSpan.FromMinutes(2), $"from dotnet new to a first Promote took {firstPromote}");

        var status = await _billing.BuildAsync("Status --env local", Ct);
        Assert.True(status.ExitCode == 0, status.Output);
        Assert.Contains("0001_add_item_note", status.Output);

        var rollback = await _billing.BuildAsync("Rollback --env local", Ct);
        Assert.True(rollback.ExitCode == 0, rollback.Output);

        var rehearse = await _billing.BuildAsync("Rehearse --env local --workload-runs 1", Ct);
        Assert.True(rehearse.ExitCode == 0, rehearse.Output);

        var again = await _billing.BuildAsync("Promote --env local", Ct);
        Assert.True(again.ExitCode == 0, again.Output);
        Assert.Contains("holds tables already", again.Output); // seeded once, never again

        var ci = await _billing.BuildAsync("GenerateCi", Ct);
        Assert.True(ci.ExitCode == 0, ci.Output);
        Assert.True(File.Exists(Path.Combine(_billing.Root, ".nuke", "build.schema.json")), "GenerateCi did not write the schema first");
        var release = await AssertValidWorkflowAsync("release.yml");
        Assert.True(File.Exists(Path.Combine(_billing.Root, "azure-pipelines.yml")), "GenerateCi wrote no Azure pipeline");

        await A_protected_staging_blocks_with_remedies_the_build_can_follow_and_following_them_promotes();

        TestContext.Current.TestOutputHelper?.WriteLine(release);
        Assert.Equal(ReadmeWorkflow(), release); // the README quotes the template's workflow as generated
    }

    /// <summary>Step two of adopting: a protected staging (a local cluster of its own, as this repository's
    /// <c>.nuke/parameters.staging.json</c>); its gates block Promote, each remedy is a command of this build, and running
    /// them (the approver is the person running the build) lets the next Promote through. CI then promotes staging too.</summary>
    private async Task A_protected_staging_blocks_with_remedies_the_build_can_follow_and_following_them_promotes()
    {
        File.WriteAllText(Path.Combine(_billing.Root, ".nuke", "parameters.staging.json"),
            """{ "environment": { "provider": "local", "order": 1, "protected": true } }""");
        var clock = Stopwatch.StartNew();
        var blocked = await _billing.BuildAsync("Promote --env staging", Ct);
        Assert.True(blocked.ExitCode != 0, blocked.Output);
        var remedies = RemedyCommands(blocked.Output);
        Assert.Contains("Snapshot VerifySnapshot --env staging", remedies);
        Assert.Contains($"Approve --env staging --by {Environment.UserName}", remedies);
        Assert.DoesNotContain("this build has no", blocked.Output);

        foreach (var remedy in remedies)
        {
            var followed = await _billing.BuildAsync(remedy, Ct);
            Assert.True(followed.ExitCode == 0, $"./build.sh {remedy}\n{followed.Output}");
        }
        var promoted = await _billing.BuildAsync("Promote --env staging", Ct);
        Assert.True(promoted.ExitCode == 0, promoted.Output);
        Assert.Contains("promoted 1 plan(s) to 'staging'", promoted.Output);
        TestContext.Current.TestOutputHelper?.WriteLine($"protected staging: blocked, {remedies.Count} remedies followed, promoted: {clock.Elapsed.TotalSeconds:F0} s (uptime: {File.ReadAllText("/proc/loadavg").Trim()})");

        var ci = await _billing.BuildAsync("GenerateCi", Ct);
        Assert.True(ci.ExitCode == 0, ci.Output);
        Assert.Contains("promote-staging:", await AssertValidWorkflowAsync("release.yml"));
    }

    /// <summary>The distinct <c>./build.sh ...</c> commands the gates' remedies name, in order, with the approver's
    /// placeholder NAME as the person running the build.</summary>
    private static List<string> RemedyCommands(string output) =>
        [.. Regex.Matches(output.Replace("\n", " "), @"\./build\.sh ((?:[A-Za-z-]+|--[a-z-]+ [^\s;()]+)(?: (?:[A-Z][A-Za-z]+|--[a-z-]+ [^\s;()|]+))*)")
            .Select(m => Regex.Replace(m.Groups[1].Value.Trim(), @"\bNAME\b", Environment.UserName))
            .Distinct(StringComparer.Ordinal)];

    private async Task<string> AssertValidWorkflowAsync(string name)
    {
        var file = Path.Combine(_billing.Root, ".github", "workflows", name);
        Assert.True(File.Exists(file), $"GenerateCi wrote no {name}");
        var lint = await _validators.ActionlintAsync(file, Ct);
        Assert.True(lint.ExitCode == 0, $"actionlint: {name}\n{lint.Output}");
        var parsed = await _validators.WorkflowParserAsync(file, Ct);
        Assert.True(parsed.ExitCode == 0, $"GitHub's workflow parser: {name}\n{parsed.Output}");
        return File.ReadAllText(file);
    }

    private readonly WorkflowValidators _validators = new(Path.Combine(RepositoryRoot.Path, "tests", "validators"));

    /// <summary>The README's CI example: the yaml block after its marker comment.</summary>
    private static string ReadmeWorkflow()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "README.md"));
        var marker = readme.IndexOf(ReadmeMarker, StringComparison.Ordinal);
        Assert.True(marker >= 0, $"README.md has no '{ReadmeMarker}'");
        var start = readme.IndexOf("```yaml\n", marker, StringComparison.Ordinal) + "```yaml\n".Length;
        return readme[start..readme.IndexOf("```\n", start, StringComparison.Ordinal)];
    }

    private const string ReadmeMarker = "<!-- the release workflow `dotnet new sluice --service billing` generates (checked by Packages.AdoptionTests) -->";
}
