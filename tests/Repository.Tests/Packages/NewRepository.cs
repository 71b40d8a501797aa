namespace Repository.Tests.Packages;

/// <summary>
/// A repository made the way a team makes one: <c>dotnet new sluice --service NAME</c> from the packed template,
/// installed into a hive of its own, in a temp folder outside this repository (readable by the local cluster's
/// <c>postgres</c> user), restoring Sluice only from a folder feed of the packed packages.
/// </summary>
internal sealed class NewRepository : IDisposable
{
    public NewRepository(string prefix, string service)
    {
        Temp = Directory.CreateTempSubdirectory(prefix).FullName;
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(Temp, (UnixFileMode)0b111_101_101);
        Service = service;
    }

    public string Temp { get; }

    public string Service { get; }

    public string Hive => Path.Combine(Temp, "hive");

    /// <summary>The new repository's root.</summary>
    public string Root => Path.Combine(Temp, Service);

    public string Feed => Path.Combine(Temp, "feed");

    /// <summary>Copies the packages into the feed, installs the template and runs <c>dotnet new sluice</c> in <see cref="Root"/>.</summary>
    public async Task CreateAsync(PackedPackages packages, CancellationToken ct)
    {
        Directory.CreateDirectory(Feed);
        foreach (var file in packages.Files.Values) File.Copy(file, Path.Combine(Feed, Path.GetFileName(file)));
        var install = await ThrowawayRoot.RunAsync("dotnet", ["new", "install", packages.Files[PackedPackages.Template], "--debug:custom-hive", Hive], Temp, ct);
        Assert.True(install.ExitCode == 0, install.Output);
        Directory.CreateDirectory(Root);
        var created = await NewAsync(ct);
        Assert.True(created.ExitCode == 0, created.Output);
    }

    /// <summary>The user's first command: <c>dotnet new sluice --service NAME --feed FEED</c>.</summary>
    public Task<(int ExitCode, string Output)> NewAsync(CancellationToken ct) =>
        ThrowawayRoot.RunAsync("dotnet", ["new", "sluice", "--service", Service, "--feed", Feed, "--debug:custom-hive", Hive], Root, ct);

    /// <summary><c>./build.sh ARGS</c> in the new repository, restoring offline.</summary>
    public Task<(int ExitCode, string Output)> BuildAsync(string arguments, CancellationToken ct) =>
        ThrowawayRoot.RunAsync("bash", ["build.sh", .. arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)], Root, ct, OfflineRestore);

    /// <summary>Sluice.* only from the feed; the machine's package cache serves the rest as a fallback folder.</summary>
    public Dictionary<string, string> OfflineRestore => new()
    {
        ["NUGET_PACKAGES"] = Path.Combine(Temp, "nuget-packages"),
        ["RestoreAdditionalProjectFallbackFolders"] = MachinePackagesFolder,
    };

    /// <summary>NuGet's global packages folder of this machine, where the repository's own restore put Npgsql and the rest.</summary>
    private static string MachinePackagesFolder =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } folder
            ? folder
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    public void Dispose()
    {
        // The local clusters the repository started go first (each environment's folder holds cluster.json).
        var sluice = Path.Combine(Root, ".sluice");
        if (Directory.Exists(sluice))
            foreach (var cluster in Directory.GetDirectories(sluice).Where(d => File.Exists(Path.Combine(d, "cluster.json"))))
                _ = BuildAsync($"Teardown --env {Path.GetFileName(cluster)}", CancellationToken.None).GetAwaiter().GetResult();
        Directory.Delete(Temp, recursive: true);
    }
}
