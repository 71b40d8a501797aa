using Sluice.Testing;

namespace Sluice.Cloud.Tests;

/// <summary>The official clients under <c>tests/validators/cloud</c>, installed once per test run.</summary>
internal static class CloudValidators
{
    public static NpmValidatorFolder Folder { get; } = Create();

    private static NpmValidatorFolder Create()
    {
        var folder = Path.Combine(RepositoryRoot(), "tests", "validators", "cloud");
        return new NpmValidatorFolder(folder, Path.Combine(folder, "node_modules", "@aws-sdk", "client-rds", "package.json"),
            "the official cloud clients (@aws-sdk/client-rds, @azure/arm-postgresql-flexible)");
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Pipeline.sln"))) return dir.FullName;
        throw new InvalidOperationException("Pipeline.sln not found above the test's folder");
    }
}
