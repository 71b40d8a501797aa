using Npgsql;
using Sluice.Postgres.Clusters;
using Sluice.Postgres.Databases;

namespace Sluice.Postgres.Rehearsal;

/// <summary>
/// Where the rehearsal's ephemeral database lives: beside the environment when that is a cluster on this machine
/// (loopback or a unix socket), under a role that can reach nothing else; otherwise, or when a plan declares
/// cluster statements (databases, roles, ALTER SYSTEM), on a throwaway cluster started for the rehearsal, never on a
/// shared server.
/// </summary>
public sealed class RehearsalCluster : IAsyncDisposable
{
    private readonly LocalCluster? _cluster;

    private RehearsalCluster(EphemeralDatabases databases, LocalCluster? cluster)
    {
        Databases = databases;
        _cluster = cluster;
    }

    public EphemeralDatabases Databases { get; }

    /// <summary>True when the server is one started for this rehearsal alone.</summary>
    public bool Throwaway => _cluster is not null;

    public static async Task<RehearsalCluster> ForAsync(string environmentConnectionString, bool clusterStatements, CancellationToken cancellationToken)
    {
        if (!clusterStatements && OnThisMachine(environmentConnectionString))
            return new(new EphemeralDatabases(new NpgsqlConnectionStringBuilder(environmentConnectionString) { Database = "postgres" }.ConnectionString), null);
        var cluster = await LocalCluster.StartEphemeralAsync(await PostgresToolchain.DetectAsync(cancellationToken), cancellationToken);
        return new(new EphemeralDatabases(cluster.ConnectionString()), cluster);
    }

    /// <summary>The server is this machine's: a unix socket or a loopback address.</summary>
    public static bool OnThisMachine(string connectionString)
    {
        var host = new NpgsqlConnectionStringBuilder(connectionString).Host ?? "";
        return host.StartsWith('/') || host is "localhost" or "127.0.0.1" or "::1";
    }

    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null) await _cluster.DisposeAsync();
    }
}
