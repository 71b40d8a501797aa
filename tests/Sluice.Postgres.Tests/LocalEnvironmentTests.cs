using Npgsql;
using Sluice.Environments;
using Sluice.Postgres.Environments;
using Sluice.Testing.Postgres;

namespace Sluice.Postgres.Tests;

public sealed class LocalEnvironmentTests
{
    [Fact]
    public async Task The_local_cluster_is_created_once_then_reused_restarted_and_removed()
    {
        var ct = TestContext.Current.CancellationToken;
        using var repository = new TempFolder("sluice-repo");
        var toolchain = await Machine.ToolchainAsync(ct);
        var options = new LocalEnvironmentOptions(repository.Path) { DatabaseName = "orders" };
        var first = new LocalEnvironment(options, toolchain);
        try
        {
            var connectionString = await first.GetConnectionStringAsync(ct);
            Assert.Equal("orders", await CurrentDatabaseAsync(connectionString, ct));
            Assert.True(File.Exists(Path.Combine(repository.Path, ".sluice", "local", "data", "PG_VERSION")));
            var state = await LocalClusterState.LoadAsync(options.StateFile, ct);
            var port = new NpgsqlConnectionStringBuilder(connectionString).Port;
            Assert.Equal(port, state!.Port);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(options.StateFile));

            // A later run (a new process) finds it running and reuses it.
            var second = new LocalEnvironment(options, toolchain);
            await second.ProvisionAsync(ct);
            Assert.Equal(connectionString, await second.GetConnectionStringAsync(ct));

            // Stopped (a reboot, a teardown): the next use starts it again on the recorded port.
            await second.TeardownAsync(TeardownScope.Stop, ct);
            Assert.False(File.Exists(Path.Combine(options.ResolvedDataDirectory, "postmaster.pid")));
            var third = new LocalEnvironment(options, toolchain);
            Assert.Equal(connectionString, await third.GetConnectionStringAsync(ct));
            Assert.Equal("orders", await CurrentDatabaseAsync(connectionString, ct));
        }
        finally
        {
            await new LocalEnvironment(options, toolchain).TeardownAsync(TeardownScope.Remove, CancellationToken.None);
        }
        Assert.False(Directory.Exists(options.ResolvedDataDirectory));
        Assert.False(File.Exists(options.StateFile));
        // Nothing is left behind: not the provisioning lock, not the environment's folder.
        Assert.False(File.Exists(Path.Combine(options.StateDirectory, ".lock")));
        Assert.False(Directory.Exists(options.StateDirectory));
    }

    [Fact]
    public async Task A_declared_replica_is_copied_on_first_use_streams_on_its_own_port_and_goes_with_the_environment()
    {
        var ct = TestContext.Current.CancellationToken;
        using var repository = new TempFolder("sluice-repo");
        var toolchain = await Machine.ToolchainAsync(ct);
        var options = new LocalEnvironmentOptions(repository.Path) { Name = "staging", DatabaseName = "shop", Replica = new ReplicaSpec() };
        try
        {
            var environment = new LocalEnvironment(options, toolchain);
            var connectionString = await environment.GetConnectionStringAsync(ct);
            var replica = await environment.GetReplicaAsync(ct);
            Assert.NotNull(replica);
            Assert.Equal(Path.Combine(repository.Path, ".sluice", "staging", "replica"), replica!.Standby.DataDirectory);
            Assert.True(File.Exists(Path.Combine(replica.Standby.DataDirectory, "standby.signal")));
            Assert.NotEqual(new NpgsqlConnectionStringBuilder(connectionString).Port, replica.Standby.Port);
            Assert.Equal(replica.Standby.Port, (await LocalClusterState.LoadAsync(options.StateFile, ct))!.ReplicaPort);

            await using (var primary = new NpgsqlConnection(connectionString))
            {
                await primary.OpenAsync(ct);
                await using var create = new NpgsqlCommand("CREATE TABLE made_on_the_primary AS SELECT 42 AS answer", primary);
                await create.ExecuteNonQueryAsync(ct);
            }
            await replica.WaitForReplayAsync(ct);
            Assert.Equal("shop", await CurrentDatabaseAsync(replica.Standby.ConnectionString("shop"), ct));
            Assert.True((await replica.PositionAsync(ct)).Streaming);

            // Stopped, both come back on their recorded ports, the standby still following.
            await environment.TeardownAsync(TeardownScope.Stop, ct);
            Assert.False(replica.Standby.IsRunning);
            var again = new LocalEnvironment(options, toolchain);
            Assert.Equal(connectionString, await again.GetConnectionStringAsync(ct));
            var restarted = await again.GetReplicaAsync(ct);
            Assert.Equal(replica.Standby.Port, restarted!.Standby.Port);
            Assert.True(restarted.IsStandby);
        }
        finally
        {
            await new LocalEnvironment(options, toolchain).TeardownAsync(TeardownScope.Remove, CancellationToken.None);
        }
        Assert.False(Directory.Exists(options.ResolvedReplicaDirectory));
        Assert.False(Directory.Exists(options.StateDirectory));
    }

    [Fact]
    public async Task A_checkout_the_server_account_cannot_reach_keeps_its_data_outside_and_removing_it_leaves_nothing()
    {
        var ct = TestContext.Current.CancellationToken;
        using var home = new TempFolder("sluice-home");
        File.SetUnixFileMode(home.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute); // a 0700 home
        var repository = Path.Combine(home.Path, "repo");
        Directory.CreateDirectory(repository);
        var options = new LocalEnvironmentOptions(repository);
        var toolchain = await Machine.ToolchainAsync(ct);
        try
        {
            await new LocalEnvironment(options, toolchain).ProvisionAsync(ct);
            Assert.Equal(Path.Combine(options.FallbackFolder, "data"), options.ResolvedDataDirectory);
            Assert.True(File.Exists(Path.Combine(options.ResolvedDataDirectory, "PG_VERSION")));
        }
        finally
        {
            await new LocalEnvironment(options, toolchain).TeardownAsync(TeardownScope.Remove, CancellationToken.None);
        }
        Assert.False(Directory.Exists(options.FallbackFolder));
        Assert.False(File.Exists(options.StateFile));
    }

    [Fact]
    public async Task The_resolver_gives_the_embedded_local_default_and_connection_environments()
    {
        var ct = TestContext.Current.CancellationToken;
        using var repository = new TempFolder("sluice-repo");
        var resolver = PostgresEnvironments.CreateResolver(toolchain: await Machine.ToolchainAsync(ct));

        var local = Assert.IsType<LocalEnvironment>(resolver.Resolve("local", null, repository.Path, serviceName: "billing"));
        Assert.Equal("billing", local.Options.DatabaseName);
        Assert.Equal(Path.Combine(repository.Path, ".sluice", "local", "data"), local.Options.ResolvedDataDirectory);

        var custom = Assert.IsType<LocalEnvironment>(resolver.Resolve("dev",
            EnvironmentSpecReader.Read("""{ "provider": "local", "data_dir": "db/dev", "port": 6500, "database": "app" }"""), repository.Path));
        Assert.Equal(Path.Combine(repository.Path, "db", "dev"), custom.Options.ResolvedDataDirectory);
        Assert.Equal(6500, custom.Options.Port);
        Assert.Equal("app", custom.Options.DatabaseName);

        var staging = EnvironmentSpecReader.Read("""{ "provider": "connection", "connection_string_variable": "STAGING_DB" }""");
        var variables = new Dictionary<string, string> { ["STAGING_DB"] = "Host=db.internal;Database=app;Username=u;Password=p" };
        var connection = resolver.Resolve("staging", staging, repository.Path, variables: variables);
        Assert.Equal(variables["STAGING_DB"], await connection.GetConnectionStringAsync(ct));

        // --database wins over any definition, the local default included.
        const string overridden = "Host=elsewhere;Database=x;Username=u;Password=secret";
        Assert.Equal(overridden, await resolver.Resolve("staging", staging, repository.Path, overridden, variables).GetConnectionStringAsync(ct));
        Assert.IsType<ConnectionEnvironment>(resolver.Resolve("local", null, repository.Path, overridden));
        Assert.DoesNotContain("secret", resolver.Resolve("local", null, repository.Path, overridden).ToString());
    }

    [Fact]
    public void Missing_or_malformed_connection_strings_and_unregistered_providers_are_usage_errors()
    {
        using var repository = new TempFolder("sluice-repo");
        var resolver = PostgresEnvironments.CreateResolver();
        var staging = EnvironmentSpecReader.Read("""{ "provider": "connection", "connection_string_variable": "STAGING_DB" }""");

        var unset = Assert.Throws<Sluice.Errors.SluiceException>(() => resolver.Resolve("staging", staging, repository.Path, variables: new Dictionary<string, string>()));
        Assert.Equal(Sluice.Errors.ErrorKind.Usage, unset.Kind);
        Assert.Contains("STAGING_DB", unset.Message);

        var malformed = Assert.Throws<Sluice.Errors.SluiceException>(() => resolver.Resolve("staging", staging, repository.Path, "Hostt=x;Passwor=hunter2"));
        Assert.Equal(Sluice.Errors.ErrorKind.Usage, malformed.Kind);
        Assert.DoesNotContain("hunter2", malformed.ToString());

        var container = Assert.Throws<Sluice.Errors.SluiceException>(() => resolver.Resolve("ci", EnvironmentSpecReader.Read("""{ "provider": "testcontainers" }"""), repository.Path));
        Assert.Equal("SLU012", container.Code);
        Assert.Contains("Sluice.Testcontainers", container.Remedy);
    }

    private static Task<string?> CurrentDatabaseAsync(string connectionString, CancellationToken ct) =>
        TestSql.ScalarAsync<string?>(connectionString, "SELECT current_database()", ct);
}
