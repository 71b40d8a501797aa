using Sluice.Errors;
using Sluice.Postgres.Clusters;

namespace Sluice.Postgres.Tests;

public sealed class DataFolderTests
{
    [Fact]
    public async Task A_data_folder_that_cannot_be_created_is_a_usage_error_naming_it()
    {
        var ct = TestContext.Current.CancellationToken;
        using var folder = new TempFolder();
        var aFile = Path.Combine(folder.Path, "a-file");
        await File.WriteAllTextAsync(aFile, "", ct);
        var cluster = NewCluster(await Machine.ToolchainAsync(ct), Path.Combine(aFile, "data"));

        var error = await Assert.ThrowsAsync<SluiceException>(() => cluster.InitializeAsync(ct));

        Assert.Equal(ErrorKind.Usage, error.Kind);
        Assert.Equal("SLU011", error.Code);
        Assert.Contains(Path.Combine(aFile, "data"), error.Message);
    }

    [Fact]
    public async Task A_data_folder_the_server_user_cannot_write_is_a_usage_error_naming_it()
    {
        var ct = TestContext.Current.CancellationToken;
        using var folder = new TempFolder();
        var locked = Path.Combine(folder.Path, "locked");
        Directory.CreateDirectory(locked);
        // As root the postgres user cannot traverse a folder only root may enter (like /root); otherwise nobody may write it.
        File.SetUnixFileMode(locked, Machine.IsRoot ? UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            : UnixFileMode.UserRead | UnixFileMode.UserExecute);
        var data = Path.Combine(locked, "data");
        var cluster = NewCluster(await Machine.ToolchainAsync(ct), data);

        var error = await Assert.ThrowsAsync<SluiceException>(() => cluster.InitializeAsync(ct));

        Assert.Equal(ErrorKind.Usage, error.Kind);
        Assert.Equal("SLU011", error.Code);
        Assert.Contains(data, error.Message);
        Assert.Contains("not writable", error.Message);
        File.SetUnixFileMode(locked, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    [Fact]
    public async Task A_non_empty_folder_that_is_not_a_cluster_is_refused_not_overwritten()
    {
        var ct = TestContext.Current.CancellationToken;
        using var folder = new TempFolder();
        var keep = Path.Combine(folder.Path, "notes.txt");
        await File.WriteAllTextAsync(keep, "mine", ct);
        var cluster = NewCluster(await Machine.ToolchainAsync(ct), folder.Path);

        var error = await Assert.ThrowsAsync<SluiceException>(() => cluster.InitializeAsync(ct));

        Assert.Equal(ErrorKind.Usage, error.Kind);
        Assert.Equal("SLU011", error.Code);
        Assert.Equal("mine", await File.ReadAllTextAsync(keep, ct));
    }

    [Fact]
    public async Task A_fixed_port_that_is_taken_fails_the_start_with_the_server_log()
    {
        var ct = TestContext.Current.CancellationToken;
        var toolchain = await Machine.ToolchainAsync(ct);
        await using var running = await LocalCluster.StartEphemeralAsync(toolchain, ct);
        using var folder = new TempFolder();
        var cluster = new LocalCluster(toolchain, new LocalClusterOptions
        {
            DataDirectory = Path.Combine(folder.Path, "data"),
            Password = LocalCluster.NewPassword(),
            Ephemeral = true,
            Port = running.Port,
        });
        try
        {
            await cluster.InitializeAsync(ct);
            var error = await Assert.ThrowsAsync<SluiceException>(() => cluster.StartAsync(ct));

            Assert.Equal("SLU013", error.Code);
            Assert.Equal(ErrorKind.Usage, error.Kind);
            Assert.Contains("Address already in use", error.Message);
            Assert.Contains(running.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Remedy);
        }
        finally
        {
            await cluster.RemoveAsync(CancellationToken.None);
        }
    }

    private static LocalCluster NewCluster(PostgresToolchain toolchain, string data) => new(toolchain, new LocalClusterOptions
    {
        DataDirectory = data,
        SocketDirectory = Path.Combine("/tmp", $"sluice-s{Guid.NewGuid():N}"[..18]),
        Password = LocalCluster.NewPassword(),
        Ephemeral = true,
    });
}
