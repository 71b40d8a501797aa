using System.IO.Compression;
using System.Xml.Linq;

namespace Repository.Tests.Packages;

/// <summary>
/// The packages as a team receives them: the real build's <c>Pack</c> target (what <c>./build.sh Pack</c> runs, its
/// solution-wide Compile skipped: each pack builds its own project in Release) writes them into artifacts/packages,
/// once per test run. Earlier Sluice packages there are removed first, so only this commit's are read.
/// </summary>
public sealed class PackedPackages : IAsyncLifetime
{
    public static readonly string[] Libraries = ["Sluice", "Sluice.Build", "Sluice.Postgres", "Sluice.Targets", "Sluice.Testcontainers"];
    public const string Template = "Sluice.Templates";

    public string Folder { get; } = Path.Combine(RepositoryRoot.Path, "artifacts", "packages");

    public IReadOnlyDictionary<string, string> Files { get; private set; } = new Dictionary<string, string>();

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(Folder);
        foreach (var old in Directory.GetFiles(Folder, "Sluice*.nupkg")) File.Delete(old);
        var (exitCode, output) = await ThrowawayRoot.RunAsync("dotnet", [ThrowawayRoot.BuildAssembly, "Pack", "--skip", "Compile", "Restore"],
            RepositoryRoot.Path, TestContext.Current.CancellationToken);
        if (exitCode != 0) throw new InvalidOperationException($"Pack failed (exit {exitCode}):\n{output}");
        Files = Directory.GetFiles(Folder, "Sluice*.nupkg").ToDictionary(IdOf, f => f);
    }

    /// <summary>The package id of a file named <c>Id.Version.nupkg</c>, read from its nuspec rather than its name.</summary>
    private static string IdOf(string file) => Nuspec(file).Descendants().First(e => e.Name.LocalName == "id").Value;

    public static XDocument Nuspec(string file)
    {
        using var zip = ZipFile.OpenRead(file);
        var entry = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal) && !e.FullName.Contains('/'));
        using var stream = entry.Open();
        return XDocument.Load(stream);
    }

    public static IReadOnlyList<string> Entries(string file)
    {
        using var zip = ZipFile.OpenRead(file);
        return [.. zip.Entries.Select(e => e.FullName)];
    }

    public static byte[] Read(string file, string entryName)
    {
        using var zip = ZipFile.OpenRead(file);
        using var stream = zip.GetEntry(entryName)!.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>One packing for every test class that reads the packages.</summary>
[CollectionDefinition(Name)]
public sealed class PackedPackagesCollection : ICollectionFixture<PackedPackages>
{
    public const string Name = "packed packages";
}
