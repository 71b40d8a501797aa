using System.Diagnostics;
using Npgsql;
using Sluice.Postgres.Clusters;
using Sluice.Testing.Postgres;

namespace Sluice.Postgres.Tests;

public sealed class ClusterLifecycleTests
{
    [Fact]
    public async Task A_cluster_is_created_started_stopped_restarted_and_removed()
    {
        var ct = TestContext.Current.CancellationToken;
        using var folder = new TempFolder();
        var toolchain = await Machine.ToolchainAsync(ct);
        var cluster = new LocalCluster(toolchain, new LocalClusterOptions
        {
            DataDirectory = Path.Combine(folder.Path, "data"),
            Password = LocalCluster.NewPassword(),
            Ephemeral = true,
        });
        try
        {
            await cluster.InitializeAsync(ct);
            Assert.True(cluster.IsInitialized);
            Assert.False(cluster.IsRunning);

            await cluster.StartAsync(ct);
            Assert.True(cluster.IsRunning);
            Assert.Equal("127.0.0.1", await TestSql.ScalarAsync<object>(cluster.ConnectionString(), "SELECT current_setting('listen_addresses')", ct));
            Assert.Equal("off", await TestSql.ScalarAsync<object>(cluster.ConnectionString(), "SELECT current_setting('fsync')", ct));
            Assert.Equal("off", await TestSql.ScalarAsync<object>(cluster.ConnectionString(), "SELECT current_setting('synchronous_commit')", ct));
            Assert.Equal("off", await TestSql.ScalarAsync<object>(cluster.ConnectionString(), "SELECT current_setting('full_page_writes')", ct));
            Assert.Equal(cluster.SocketDirectory, await TestSql.ScalarAsync<object>(cluster.ConnectionString(), "SELECT current_setting('unix_socket_directories')", ct));
            Assert.True(File.Exists(Path.Combine(cluster.SocketDirectory, $".s.PGSQL.{cluster.Port}")));

            await cluster.StartAsync(ct); // already running: a no-op
            await cluster.StopAsync(ct);
            Assert.False(cluster.IsRunning);
            await cluster.StopAsync(ct); // already stopped: a no-op

            await cluster.StartAsync(ct);
            Assert.Equal("1", await TestSql.ScalarAsync<object>(cluster.ConnectionString(), "SELECT 1::text", ct));
        }
        finally
        {
            await cluster.RemoveAsync(CancellationToken.None);
        }
        Assert.False(Directory.Exists(cluster.DataDirectory));
        Assert.False(Directory.Exists(cluster.SocketDirectory));
    }

    [Fact]
    public async Task Two_clusters_run_side_by_side_without_sharing_anything()
    {
        var ct = TestContext.Current.CancellationToken;
        var toolchain = await Machine.ToolchainAsync(ct);
        var startBoth = await Task.WhenAll(LocalCluster.StartEphemeralAsync(toolchain, ct), LocalCluster.StartEphemeralAsync(toolchain, ct));
        await using var first = startBoth[0];
        await using var second = startBoth[1];

        Assert.NotEqual(first.Port, second.Port);
        Assert.NotEqual(first.DataDirectory, second.DataDirectory);
        Assert.NotEqual(first.SocketDirectory, second.SocketDirectory);
        await TestSql.ExecuteAsync(first.ConnectionString(), "CREATE TABLE only_in_first (id int)", ct);
        Assert.Equal(1L, await TestSql.ScalarAsync<object>(first.ConnectionString(), "SELECT count(*) FROM pg_tables WHERE tablename = 'only_in_first'", ct));
        Assert.Equal(0L, await TestSql.ScalarAsync<object>(second.ConnectionString(), "SELECT count(*) FROM pg_tables WHERE tablename = 'only_in_first'", ct));
    }

    [Fact]
    public async Task As_root_the_server_runs_as_the_postgres_user_through_runuser_and_says_so_once()
    {
        var ct = TestContext.Current.CancellationToken;
        var logger = new ListLogger();
        var toolchain = await Machine.ToolchainAsync(ct, logger);
        await using var cluster = await LocalCluster.StartEphemeralAsync(toolchain, ct);
        await cluster.StopAsync(ct);
        await cluster.StartAsync(ct);

        var serverUid = Machine.UidOf(cluster.PostmasterPid!.Value);
        if (Machine.IsRoot)
        {
            Assert.True(toolchain.Account.UsesRunuser);
            Assert.Equal("postgres", toolchain.Account.RunAs);
            Assert.Equal(Machine.UidOfUser("postgres"), serverUid);
            Assert.Equal(Machine.UidOfUser("postgres"), OwnerUid(cluster.DataDirectory));
            Assert.Single(logger.Messages, m => m.Contains("runuser", StringComparison.Ordinal));
        }
        else
        {
            Assert.False(toolchain.Account.UsesRunuser);
            Assert.DoesNotContain(logger.Messages, m => m.Contains("runuser", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task A_stale_postmaster_pid_from_a_killed_server_does_not_stop_the_next_start()
    {
        var ct = TestContext.Current.CancellationToken;
        var logger = new ListLogger();
        var toolchain = await Machine.ToolchainAsync(ct, logger);
        await using var cluster = await LocalCluster.StartEphemeralAsync(toolchain, ct);
        var killed = cluster.PostmasterPid!.Value;
        NpgsqlConnection.ClearAllPools();

        using (var postmaster = Process.GetProcessById(killed)) postmaster.Kill(); // SIGKILL: no shutdown, the pid file stays
        while (cluster.IsRunning) await Task.Delay(20, ct);
        Assert.True(File.Exists(Path.Combine(cluster.DataDirectory, "postmaster.pid")));

        await cluster.StartAsync(ct);

        Assert.Contains(logger.Messages, m => m.Contains($"stale postmaster.pid of process {killed}", StringComparison.Ordinal));
        Assert.NotEqual(killed, cluster.PostmasterPid);
        Assert.Equal("1", await TestSql.ScalarAsync<object>(cluster.ConnectionString(), "SELECT 1::text", ct));
    }

    private static int OwnerUid(string path)
    {
        using var stat = Process.Start(new ProcessStartInfo("stat", ["-c", "%u", path]) { RedirectStandardOutput = true })!;
        var output = stat.StandardOutput.ReadToEnd().Trim();
        stat.WaitForExit();
        return int.Parse(output, System.Globalization.CultureInfo.InvariantCulture);
    }
}
