namespace Repository.Tests;

internal static class RepositoryRoot
{
    /// <summary>The checkout the tests were built from: the nearest folder above the test binaries holding .nuke/.</summary>
    public static string Path { get; } = Find();

    private static string Find()
    {
        // Recorded at build time, for binaries in an artifacts folder outside the checkout (--artifacts-path).
        var recorded = typeof(RepositoryRoot).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "RepositoryRoot")?.Value;
        if (recorded is not null && File.Exists(System.IO.Path.Combine(recorded, "Pipeline.sln"))) return recorded;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (Directory.Exists(System.IO.Path.Combine(dir.FullName, ".nuke")) && File.Exists(System.IO.Path.Combine(dir.FullName, "Pipeline.sln")))
                return dir.FullName;
        throw new InvalidOperationException($"no repository root above {AppContext.BaseDirectory}");
    }
}
