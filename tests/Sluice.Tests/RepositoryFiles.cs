namespace Sluice.Tests;

/// <summary>Paths into the repository (the folder holding <c>.nuke/</c>), where the sample plans and fixtures live.</summary>
internal static class RepositoryFiles
{
    public static string Root { get; } = FindRoot();

    public static string Pipelines => Path.Combine(Root, "pipelines");

    public static string SamplePlan => Path.Combine(Pipelines, "shop", "migrations", "0001_split_customer_name");

    public static string BadPlans => Path.Combine(Root, "tests", "Fixtures", "bad-plans");

    private static string FindRoot()
    {
        var recorded = typeof(RepositoryFiles).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "RepositoryRoot")?.Value;
        if (recorded is not null && Directory.Exists(Path.Combine(recorded, ".nuke"))) return recorded;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (Directory.Exists(Path.Combine(dir.FullName, ".nuke"))) return dir.FullName;
        throw new InvalidOperationException($"no .nuke folder at {recorded} or above {AppContext.BaseDirectory}: run the tests from the repository");
    }
}

/// <summary>A scratch folder deleted at the end of a test; <see cref="Write"/> creates files with their folders.</summary>
internal sealed class ScratchFolder : IDisposable
{
    public ScratchFolder() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"sluice-plans-{Guid.NewGuid():N}");

    public string Write(string relative, string content)
    {
        var full = System.IO.Path.Combine(Path, relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
        return full;
    }

    public void Dispose()
    {
        if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
    }
}
