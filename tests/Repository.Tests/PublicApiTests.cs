using System.Xml.Linq;
using Sluice.Build;

namespace Repository.Tests;

/// <summary>
/// The libraries' public surface is tracked: each library project runs the public API analyzer over its
/// PublicAPI.Shipped.txt and PublicAPI.Unshipped.txt, and nothing lets RS0016 (an unrecorded public symbol) or RS0017
/// (a recorded symbol that is gone) pass as a mere warning. The analyzer itself fails the build; this test keeps the
/// wiring from being dropped quietly.
/// </summary>
public sealed class PublicApiTests
{
    private const string Analyzer = "Microsoft.CodeAnalysis.PublicApiAnalyzers";

    public static TheoryData<string> Libraries() => new(
        Directory.GetDirectories(Path.Combine(RepositoryRoot.Path, "src"))
            .Where(d => Directory.GetFiles(d, "*.csproj").Length == 1)
            .Select(Path.GetFileName).OfType<string>().Order());

    [Theory]
    [MemberData(nameof(Libraries))]
    public void Each_library_references_the_analyzer_and_records_its_surface(string library)
    {
        var directory = Path.Combine(RepositoryRoot.Path, "src", library);
        var project = XDocument.Load(Path.Combine(directory, library + ".csproj"));
        var reference = project.Descendants("PackageReference").SingleOrDefault(r => (string?)r.Attribute("Include") == Analyzer);
        Assert.True(reference is not null, $"src/{library} does not reference {Analyzer}");
        Assert.Equal("all", (string?)reference.Attribute("PrivateAssets"));
        foreach (var file in new[] { "PublicAPI.Shipped.txt", "PublicAPI.Unshipped.txt" })
        {
            var path = Path.Combine(directory, file);
            Assert.True(File.Exists(path), $"src/{library}/{file} is missing");
            // Without it the analyzer ignores nullable annotations, and a changed annotation goes unrecorded.
            Assert.Equal("#nullable enable", File.ReadLines(path).First());
        }
    }

    [Fact]
    public void Unrecorded_public_changes_are_errors()
    {
        var props = XDocument.Load(Path.Combine(RepositoryRoot.Path, "Directory.Build.props"));
        Assert.Equal("true", props.Descendants("TreatWarningsAsErrors").Single().Value);
        var projects = Directory.GetFiles(Path.Combine(RepositoryRoot.Path, "src"), "*.csproj", SearchOption.AllDirectories)
            .Append(Path.Combine(RepositoryRoot.Path, "Directory.Build.props"));
        foreach (var path in projects)
        {
            var softened = XDocument.Load(path).Descendants()
                .Where(e => e.Name.LocalName is "NoWarn" or "WarningsNotAsErrors" or "CodeAnalysisTreatWarningsAsErrors"
                    or "EffectiveCodeAnalysisTreatWarningsAsErrors")
                .Where(e => e.Value.Contains("RS0016") || e.Value.Contains("RS0017") || e.Value.Trim() == "false");
            Assert.True(!softened.Any(), $"{Path.GetRelativePath(RepositoryRoot.Path, path)} lets RS0016/RS0017 pass");
        }
        var suppressions = Directory.GetFiles(Path.Combine(RepositoryRoot.Path, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => File.ReadAllText(f).Contains("RS0016") || File.ReadAllText(f).Contains("RS0017"));
        Assert.Empty(suppressions); // no #pragma or [SuppressMessage] of RS0016/RS0017 in source
    }

    /// <summary>What a build composes stays public; the engine's plumbing is the engine's own.</summary>
    [Theory]
    [InlineData("BuildRunner")]
    [InlineData("ConsoleEntryPoint")]
    [InlineData("CommandLine")]
    [InlineData("ParameterBinder")]
    [InlineData("Preflight")]
    [InlineData("TargetExecutor")]
    [InlineData("ExecutionPlanner")]
    [InlineData("RootLocator")]
    [InlineData("RunMemory")]
    [InlineData("HelpPrinter")]
    [InlineData("PlanPrinter")]
    [InlineData("RequirementChecker")]
    [InlineData("SecretRegistry")]
    [InlineData("HostDetector")]
    [InlineData("Ci.GitHubWorkflowWriter")]
    [InlineData("Ci.AzurePipelineWriter")]
    public void Engine_plumbing_is_internal(string type)
    {
        var found = typeof(SluiceBuild).Assembly.GetType("Sluice.Build." + type);
        Assert.NotNull(found);
        Assert.False(found.IsPublic, $"Sluice.Build.{type} is public");
    }
}
