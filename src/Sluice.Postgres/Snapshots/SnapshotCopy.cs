using Sluice.Postgres.Databases;
using Sluice.Snapshots;

namespace Sluice.Postgres.Snapshots;

/// <summary>
/// A throwaway copy of a snapshot: an empty database made on a server and the snapshot restored into it, by the store's
/// own restore (which drops and recreates its target and checks the result against the snapshot's fingerprint). The one
/// way a drill's copies and a rehearsal's copy on real data are made; the caller chooses the server (the environment's,
/// a drill's throwaway primary, a throwaway local cluster). If the restore fails, the copy is dropped again.
/// </summary>
internal static class SnapshotCopy
{
    /// <summary>Makes the copy with <paramref name="restoreInto"/> (given the empty database's connection string);
    /// disposing the result drops it.</summary>
    public static async Task<EphemeralDatabase> MakeAsync(EphemeralDatabases server, Func<string, CancellationToken, Task> restoreInto,
        CancellationToken cancellationToken)
    {
        var copy = await server.CreateEmptyAsync(cancellationToken);
        try
        {
            await restoreInto(copy.ConnectionString, cancellationToken);
            return copy;
        }
        catch
        {
            await copy.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs <paramref name="work"/> on a copy of <paramref name="store"/>'s snapshot <paramref name="id"/> made on
    /// <paramref name="server"/>, and drops the copy whatever happened.</summary>
    public static async Task<T> OnCopyAsync<T>(ISnapshotStore store, string id, EphemeralDatabases server,
        Func<string, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        await using var copy = await MakeAsync(server, (target, ct) => store.RestoreAsync(id, target, ct), cancellationToken);
        return await work(copy.ConnectionString, cancellationToken);
    }
}
