using Microsoft.Extensions.Logging;
using Npgsql;
using Sluice.Environments;
using Sluice.Postgres.Clusters;
using Sluice.Postgres.Databases;

namespace Sluice.Postgres.Environments;

/// <summary>
/// The <c>local</c> environment: a persistent cluster under <c>&lt;repo&gt;/.sluice/local/</c>, created on first use,
/// restarted when stopped, on the same port every time it can be, with the service's database in it.
/// Provisioning is serialised across processes by a lock file, so parallel builds share one cluster.
/// </summary>
public sealed class LocalEnvironment(LocalEnvironmentOptions options, PostgresToolchain? toolchain = null, ILogger? logger = null)
    : IDatabaseEnvironment
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private PostgresToolchain? _toolchain = toolchain;
    private LocalCluster? _cluster;
    private StreamingReplica? _replica;

    public string Name => options.Name;

    public LocalEnvironmentOptions Options => options;

    /// <summary>Creates the cluster if needed, starts it if stopped, records its port and creates the database.</summary>
    public async Task ProvisionAsync(CancellationToken cancellationToken) => await ProvisionedClusterAsync(cancellationToken);

    /// <summary><see cref="TeardownScope.Stop"/> stops the server and keeps its data; <see cref="TeardownScope.Remove"/>
    /// also deletes the data folder (and the folder outside the checkout Sluice made for it, when empty) and the
    /// recorded state.</summary>
    public async Task TeardownAsync(TeardownScope scope, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await using var fileLock = await LockFile.AcquireAsync(LockPath, cancellationToken);
            var state = await LocalClusterState.LoadAsync(options.StateFile, cancellationToken);
            if (state is not null || Directory.Exists(options.ResolvedDataDirectory))
            {
                var cluster = await ClusterAsync(state ?? NewState(), cancellationToken);
                // The standby goes first: stopped before its primary, it does not spend the shutdown retrying it.
                if (Directory.Exists(options.ResolvedReplicaDirectory))
                {
                    var replica = Replica(cluster, state);
                    if (scope == TeardownScope.Remove) await replica.RemoveAsync(cancellationToken);
                    else await replica.StopAsync(cancellationToken);
                }
                if (scope == TeardownScope.Remove) await cluster.RemoveAsync(cancellationToken);
                else await cluster.StopAsync(cancellationToken);
                _cluster = null;
                _replica = null;
            }
            if (scope == TeardownScope.Remove)
            {
                File.Delete(options.StateFile);
                if (Directory.Exists(options.FallbackFolder) && !Directory.EnumerateFileSystemEntries(options.FallbackFolder).Any())
                    Directory.Delete(options.FallbackFolder);
                // The lock goes last, while still held; then the environment's folder, when nothing else is in it.
                await fileLock.DeleteAndReleaseAsync();
                RemoveIfEmpty(options.StateDirectory);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The connection string of the service's database, provisioning first (a no-op when running).</summary>
    public async Task<string> GetConnectionStringAsync(CancellationToken cancellationToken) =>
        (await ProvisionedClusterAsync(cancellationToken)).ConnectionString(options.DatabaseName);

    /// <summary>The running cluster, provisioning first; for callers that need its admin connection or binaries.</summary>
    public async Task<LocalCluster> GetClusterAsync(CancellationToken cancellationToken) => await ProvisionedClusterAsync(cancellationToken);

    /// <summary>The running streaming replica, provisioning first; null when the environment declares none.</summary>
    public async Task<StreamingReplica?> GetReplicaAsync(CancellationToken cancellationToken)
    {
        await ProvisionedClusterAsync(cancellationToken);
        return _replica;
    }

    private string LockPath => Path.Combine(options.StateDirectory, ".lock");

    private async Task<LocalCluster> ProvisionedClusterAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_cluster is { IsRunning: true } running && (options.Replica is null || _replica is { Standby.IsRunning: true })) return running;
            Directory.CreateDirectory(options.StateDirectory);
            await using var fileLock = await LockFile.AcquireAsync(LockPath, cancellationToken);

            var state = await LocalClusterState.LoadAsync(options.StateFile, cancellationToken);
            if (state is not null && !string.Equals(state.DataDirectory, options.ResolvedDataDirectory, StringComparison.Ordinal))
                state = null; // the data folder moved (data_dir changed): that is a different cluster
            state ??= NewState();
            if (state.Port is null) await state.SaveAsync(options.StateFile, cancellationToken); // remember the password before initdb uses it

            var cluster = await ClusterAsync(state, cancellationToken);
            var created = !cluster.IsInitialized;
            await cluster.InitializeAsync(cancellationToken);
            await cluster.StartAsync(cancellationToken);
            if (state.Port != cluster.Port)
                await (state with { Port = cluster.Port }).SaveAsync(options.StateFile, cancellationToken);
            await EnsureDatabaseAsync(cluster, cancellationToken);
            if (options.Replica is not null) _replica = await StartReplicaAsync(cluster, state with { Port = cluster.Port }, cancellationToken);
            (logger ?? cluster.Toolchain.Logger).LogInformation(
                created ? "created the {Name} cluster on 127.0.0.1:{Port} in {DataDirectory}" : "the {Name} cluster is running on 127.0.0.1:{Port} from {DataDirectory}",
                options.Name, cluster.Port, cluster.DataDirectory);
            (logger ?? cluster.Toolchain.Logger).LogInformation("{Note}", options.DatabaseNote ?? $"using database {options.DatabaseName}");
            _cluster = cluster;
            return cluster;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Makes the standby on first use (after the database, so the copy holds it) and starts it, remembering its port.</summary>
    private async Task<StreamingReplica> StartReplicaAsync(LocalCluster cluster, LocalClusterState state, CancellationToken cancellationToken)
    {
        var replica = Replica(cluster, state);
        var created = !replica.IsCreated;
        await replica.StartAsync(cancellationToken);
        if (state.ReplicaPort != replica.Standby.Port)
            await (state with { ReplicaPort = replica.Standby.Port }).SaveAsync(options.StateFile, cancellationToken);
        (logger ?? cluster.Toolchain.Logger).LogInformation(
            created ? "created the {Name} replica on 127.0.0.1:{Port} in {DataDirectory} (a base backup through the server, slot {Slot})" : "the {Name} replica is streaming on 127.0.0.1:{Port} from {DataDirectory} (slot {Slot})",
            options.Name, replica.Standby.Port, replica.Standby.DataDirectory, replica.SlotName);
        return replica;
    }

    private StreamingReplica Replica(LocalCluster cluster, LocalClusterState? state) => new(cluster, new StreamingReplicaOptions
    {
        DataDirectory = options.ResolvedReplicaDirectory,
        Port = options.Replica?.Port,
        PreferredPort = state?.ReplicaPort,
    });

    private static void RemoveIfEmpty(string folder)
    {
        try
        {
            if (!Directory.EnumerateFileSystemEntries(folder).Any()) Directory.Delete(folder);
        }
        catch (IOException)
        {
            // another process is provisioning here right now: the folder is its again
        }
    }

    private LocalClusterState NewState() => new() { DataDirectory = options.ResolvedDataDirectory, Password = LocalCluster.NewPassword() };

    private async Task<LocalCluster> ClusterAsync(LocalClusterState state, CancellationToken cancellationToken)
    {
        _toolchain ??= await PostgresToolchain.DetectAsync(cancellationToken, logger);
        return new LocalCluster(_toolchain, new LocalClusterOptions
        {
            DataDirectory = state.DataDirectory,
            Password = state.Password,
            Superuser = state.Superuser,
            Port = options.Port,
            PreferredPort = state.Port,
        });
    }

    private async Task EnsureDatabaseAsync(LocalCluster cluster, CancellationToken cancellationToken)
    {
        await using var admin = new NpgsqlConnection(cluster.ConnectionString());
        await admin.OpenAsync(cancellationToken);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", admin) { Parameters = { new() { Value = options.DatabaseName } } };
        if (await exists.ExecuteScalarAsync(cancellationToken) is not null) return;
        await using var create = new NpgsqlCommand($"CREATE DATABASE {Sql.Identifier(options.DatabaseName)}", admin);
        try
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateDatabase)
        {
            // created by a concurrent provision of another process sharing this cluster
        }
    }
}
