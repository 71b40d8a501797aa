using Sluice.Build;

namespace Repository.Tests;

/// <summary>Generated files are committed; these tests fail when the code would generate something else.</summary>
public sealed class GeneratedFilesTests
{
    [Fact]
    public void The_committed_build_schema_is_what_the_build_generates()
    {
        var committed = File.ReadAllText(Path.Combine(RepositoryRoot.Path, BuildSchema.RelativePath)).ReplaceLineEndings("\n");
        var generated = BuildSchema.Generate(typeof(Sluice.Repository.Build), TargetCatalog.Discover(new Sluice.Repository.Build()));
        Assert.True(committed == generated,
            $"{BuildSchema.RelativePath} is stale: run ./build.sh GenerateSchema and commit the result.");
    }
}
