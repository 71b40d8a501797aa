namespace Sluice.Postgres.Snapshots;

/// <summary>A store that can restore one of its snapshots to a throwaway copy, run work there and delete the copy
/// whatever happened: what a rehearsal on real data runs on. A dump or template store makes it as a <see cref="SnapshotCopy"/>,
/// as a drill does; a provider snapshot as a new instance or server.</summary>
internal interface ISnapshotCopies
{
    /// <summary>Runs <paramref name="work"/> with the connection string of a copy of snapshot <paramref name="id"/>
    /// (a superuser's or the source's owner's, on a server that holds nothing else of value), and deletes the copy.</summary>
    Task<T> OnCopyAsync<T>(string id, Func<string, CancellationToken, Task<T>> work, CancellationToken cancellationToken);
}
