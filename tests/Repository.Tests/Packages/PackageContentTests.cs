using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace Repository.Tests.Packages;

/// <summary>
/// What a team gets from <c>./build.sh Pack</c> (issue 17, item 7): a version from git that changes with every commit
/// (never 0.1.0, which NuGet's cache would serve stale), XML docs, an embedded PDB of a deterministic build, a README,
/// the recorded public API, and the commit in the nuspec.
/// </summary>
[Collection(PackedPackagesCollection.Name)]
public sealed class PackageContentTests(PackedPackages packages)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Every_library_and_the_template_is_packed()
    {
        foreach (var id in PackedPackages.Libraries.Append(PackedPackages.Template))
            Assert.True(packages.Files.ContainsKey(id), $"no {id} package in {packages.Folder}: {string.Join(", ", packages.Files.Keys)}");
    }

    [Fact]
    public async Task The_version_comes_from_git_and_is_the_same_for_every_package()
    {
        var versions = packages.Files.Values.Select(f => Metadata(f, "version")).Distinct().ToList();
        var version = Assert.Single(versions);
        Assert.NotEqual("0.1.0", version);
        var (_, tags) = await Git(Ct, "tag", "--list", "v*");
        if (tags.Trim().Length == 0)
        {
            // MinVer without a tag: 0.0.0-alpha.0.<height>, the height counted along first parents from the root commit.
            var (_, count) = await Git(Ct, "rev-list", "--count", "--first-parent", "HEAD");
            Assert.Equal($"0.0.0-alpha.0.{int.Parse(count.Trim()) - 1}", version);
        }
        else Assert.Matches(@"^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$", version);
    }

    [Fact]
    public async Task The_nuspec_names_the_commit_it_was_packed_from()
    {
        var (_, head) = await Git(Ct, "rev-parse", "HEAD");
        foreach (var (id, file) in packages.Files)
        {
            var repository = PackedPackages.Nuspec(file).Descendants().Single(e => e.Name.LocalName == "repository");
            Assert.Equal("git", repository.Attribute("type")?.Value);
            Assert.True(repository.Attribute("commit")?.Value == head.Trim(), $"{id}: repository commit {repository.Attribute("commit")?.Value}, HEAD {head.Trim()}");
        }
    }

    [Fact]
    public void Every_package_has_a_readme_and_every_library_its_docs_and_public_api()
    {
        foreach (var (id, file) in packages.Files)
        {
            var entries = PackedPackages.Entries(file);
            Assert.Equal("README.md", Metadata(file, "readme"));
            Assert.Contains("README.md", entries);
            Assert.StartsWith($"# {id}", System.Text.Encoding.UTF8.GetString(PackedPackages.Read(file, "README.md")).TrimStart('\uFEFF'));
            if (id == PackedPackages.Template) continue;
            foreach (var expected in new[] { $"lib/net10.0/{id}.dll", $"lib/net10.0/{id}.xml", "api/PublicAPI.Shipped.txt", "api/PublicAPI.Unshipped.txt" })
                Assert.True(entries.Contains(expected), $"{id} lacks {expected}: {string.Join(", ", entries)}");
            var docs = System.Xml.Linq.XDocument.Parse(System.Text.Encoding.UTF8.GetString(PackedPackages.Read(file, $"lib/net10.0/{id}.xml")));
            Assert.NotEmpty(docs.Descendants("member"));
        }
    }

    [Fact]
    public void Every_library_is_a_deterministic_build_with_its_pdb_embedded()
    {
        foreach (var id in PackedPackages.Libraries)
        {
            using var pe = new PEReader(new MemoryStream(PackedPackages.Read(packages.Files[id], $"lib/net10.0/{id}.dll")));
            var debug = pe.ReadDebugDirectory();
            Assert.True(debug.Any(d => d.Type == DebugDirectoryEntryType.Reproducible), $"{id}.dll is not marked deterministic");
            var embedded = debug.SingleOrDefault(d => d.Type == DebugDirectoryEntryType.EmbeddedPortablePdb);
            Assert.True(embedded.DataSize > 0, $"{id}.dll has no embedded PDB");
            using var pdb = pe.ReadEmbeddedPortablePdbDebugDirectoryData(embedded);
            Assert.NotEmpty(pdb.GetMetadataReader().Documents);
        }
    }

    private static string Metadata(string file, string name) =>
        PackedPackages.Nuspec(file).Descendants().First(e => e.Name.LocalName == name).Value;

    private static async Task<(int ExitCode, string Output)> Git(CancellationToken ct, params string[] arguments)
    {
        var result = await ThrowawayRoot.RunAsync("git", arguments, RepositoryRoot.Path, ct);
        Assert.True(result.ExitCode == 0, $"git {string.Join(' ', arguments)}: {result.Output}");
        return result;
    }
}
