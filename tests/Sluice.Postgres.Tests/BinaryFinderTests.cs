using Sluice.Errors;
using Sluice.Postgres.Binaries;

namespace Sluice.Postgres.Tests;

public sealed class BinaryFinderTests
{
    private static readonly PostgresSearch NowhereElse = new()
    {
        AskPgConfig = false,
        VersionedRoots = [],
        PathVariable = "",
        Platform = HostPlatform.Debian,
    };

    [Fact]
    public async Task Sluice_pg_bin_pointing_at_an_empty_folder_is_a_usage_error_naming_it()
    {
        using var empty = new TempFolder();
        var finder = new PostgresBinaryFinder(NowhereElse with { PgBinVariable = empty.Path });

        var error = await Assert.ThrowsAsync<SluiceException>(() => finder.FindAsync(TestContext.Current.CancellationToken));

        Assert.Equal(ErrorKind.Usage, error.Kind);
        Assert.Equal("SLU010", error.Code);
        Assert.Contains(empty.Path, error.Message);
        Assert.Contains("sudo apt-get install -y postgresql-15", error.Remedy);
    }

    [Theory]
    [InlineData(HostPlatform.Debian, "sudo apt-get install -y postgresql-15")]
    [InlineData(HostPlatform.MacOs, "brew install postgresql@15")]
    [InlineData(HostPlatform.Other, "SLUICE_PG_BIN")]
    public async Task No_binaries_anywhere_gives_the_platforms_install_command(HostPlatform platform, string hint)
    {
        using var emptyRoot = new TempFolder();
        var finder = new PostgresBinaryFinder(NowhereElse with { VersionedRoots = [emptyRoot.Path], Platform = platform });

        var error = await Assert.ThrowsAsync<SluiceException>(() => finder.FindAsync(TestContext.Current.CancellationToken));

        Assert.Equal(ErrorKind.Usage, error.Kind);
        Assert.Equal("SLU010", error.Code);
        Assert.Contains("initdb", error.Message);
        Assert.Contains(hint, error.Remedy);
        Assert.DoesNotContain("http", error.Remedy);
    }

    [Fact]
    public async Task The_newest_complete_versioned_folder_wins()
    {
        using var root = new TempFolder();
        FakeBin(Path.Combine(root.Path, "9.6", "bin"));
        FakeBin(Path.Combine(root.Path, "15", "bin"));
        FakeBin(Path.Combine(root.Path, "12", "bin"));
        Directory.CreateDirectory(Path.Combine(root.Path, "16", "bin")); // incomplete: a client-only install
        var finder = new PostgresBinaryFinder(NowhereElse with { VersionedRoots = [root.Path] });

        var found = await finder.FindAsync(TestContext.Current.CancellationToken);

        Assert.Equal(Path.Combine(root.Path, "15", "bin"), found.Directory);
    }

    [Fact]
    public async Task Sluice_pg_bin_wins_over_everything_else()
    {
        using var chosen = new TempFolder();
        using var root = new TempFolder();
        FakeBin(chosen.Path);
        FakeBin(Path.Combine(root.Path, "17", "bin"));
        var finder = new PostgresBinaryFinder(NowhereElse with { PgBinVariable = chosen.Path, VersionedRoots = [root.Path] });

        var found = await finder.FindAsync(TestContext.Current.CancellationToken);

        Assert.Equal(chosen.Path, found.Directory);
        Assert.Equal("SLUICE_PG_BIN", found.FoundBy);
    }

    [Fact]
    public async Task Path_is_the_last_resort()
    {
        using var onPath = new TempFolder();
        FakeBin(onPath.Path);
        var finder = new PostgresBinaryFinder(NowhereElse with { PathVariable = $"/nonexistent{Path.PathSeparator}{onPath.Path}" });

        var found = await finder.FindAsync(TestContext.Current.CancellationToken);

        Assert.Equal(onPath.Path, found.Directory);
        Assert.Equal("PATH", found.FoundBy);
    }

    [Fact]
    public async Task This_machine_has_postgres()
    {
        var found = await new PostgresBinaryFinder().FindAsync(TestContext.Current.CancellationToken);

        Assert.True(File.Exists(found.Tool("initdb")));
    }

    [Fact]
    public async Task Sluice_pg_bin_without_client_programs_borrows_them_from_the_installed_postgres()
    {
        // The npm packages of PostgreSQL 14-18 hold initdb, pg_ctl and postgres only.
        using var serverOnly = new TempFolder();
        FakeBin(serverOnly.Path);
        using var root = new TempFolder();
        var installed = Path.Combine(root.Path, "15", "bin");
        FakeBin(installed);
        File.WriteAllText(Path.Combine(installed, "pg_dump"), "");
        var finder = new PostgresBinaryFinder(NowhereElse with { PgBinVariable = serverOnly.Path, VersionedRoots = [root.Path] });

        var found = await finder.FindAsync(TestContext.Current.CancellationToken);

        Assert.Equal((serverOnly.Path, "SLUICE_PG_BIN", installed), (found.Directory, found.FoundBy, found.ClientDirectory));
        Assert.Equal(Path.Combine(installed, "pg_dump"), found.Tool("pg_dump"));
        Assert.Equal(Path.Combine(serverOnly.Path, "initdb"), found.Tool("initdb"));
        // With nothing else installed, the folder's own path is all there is: the run then fails naming it.
        var alone = await new PostgresBinaryFinder(NowhereElse with { PgBinVariable = serverOnly.Path }).FindAsync(TestContext.Current.CancellationToken);
        Assert.Equal((null, Path.Combine(serverOnly.Path, "pg_dump")), (alone.ClientDirectory, alone.Tool("pg_dump")));
    }

    private static void FakeBin(string folder)
    {
        Directory.CreateDirectory(folder);
        foreach (var program in PostgresBinaries.Required) File.WriteAllText(Path.Combine(folder, program), "");
    }
}
