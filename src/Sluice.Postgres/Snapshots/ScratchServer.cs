using Sluice.Postgres.Clusters;
using Sluice.Postgres.Databases;

namespace Sluice.Postgres.Snapshots;

/// <summary>Where verification restores: a throwaway database on a given server, or on a throwaway local cluster
/// started for the purpose.</summary>
internal static class ScratchServer
{
    public static async Task<T> WithEmptyDatabaseAsync<T>(string? server, PostgresToolchain toolchain,
        Func<EphemeralDatabase, Task<T>> work, CancellationToken cancellationToken)
    {
        if (server is not null)
        {
            await using var database = await new EphemeralDatabases(server).CreateEmptyAsync(cancellationToken);
            return await work(database);
        }
        await using var cluster = await LocalCluster.StartEphemeralAsync(toolchain, cancellationToken);
        await using var local = await new EphemeralDatabases(cluster.ConnectionString()).CreateEmptyAsync(cancellationToken);
        return await work(local);
    }
}
