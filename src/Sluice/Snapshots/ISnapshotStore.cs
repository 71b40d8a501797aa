using Sluice.Fingerprints;

namespace Sluice.Snapshots;

/// <summary>
/// Takes, verifies, restores, lists and prunes snapshots of one environment's database. A snapshot is good only
/// once <see cref="VerifyAsync"/> has restored it and compared its fingerprint with the one taken at snapshot time.
/// </summary>
public interface ISnapshotStore
{
    /// <summary>Takes a snapshot of <paramref name="connectionString"/>'s database; the manifest records its fingerprint.</summary>
    Task<SnapshotManifest> CreateAsync(string connectionString, CancellationToken cancellationToken);

    /// <summary>Checks every file against the manifest, restores into a throwaway database and compares fingerprints.
    /// Throws <c>SLU050-SLU056</c> naming what failed; on success records the verification in the manifest and tells
    /// the <see cref="ISnapshotListener"/>.</summary>
    Task<SnapshotVerification> VerifyAsync(string id, CancellationToken cancellationToken);

    /// <summary>Replaces the contents of <paramref name="targetConnectionString"/>'s database with the snapshot.</summary>
    Task RestoreAsync(string id, string targetConnectionString, CancellationToken cancellationToken);

    /// <summary>Restores the snapshot into a throwaway database and diffs <paramref name="connectionString"/>'s database
    /// against it, down to the keys: what changed since the snapshot (or whether a rollback got back to it).</summary>
    Task<DiffReport> CompareAsync(string id, string connectionString, CancellationToken cancellationToken, DiffOptions? options = null);

    /// <summary>Every snapshot with a readable manifest, newest first (<see cref="SnapshotCatalog.InspectAsync"/> also
    /// lists damaged ones and checks files).</summary>
    Task<IReadOnlyList<SnapshotManifest>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Deletes snapshots beyond <paramref name="keep"/>, always keeping the newest verified one; returns the deleted ids.</summary>
    Task<IReadOnlyList<string>> PruneAsync(int keep, CancellationToken cancellationToken);
}

/// <summary>Hears about verified snapshots, so the journal can record them.</summary>
public interface ISnapshotListener
{
    Task SnapshotVerifiedAsync(SnapshotManifest manifest, SnapshotVerification verification, CancellationToken cancellationToken);
}

/// <summary>The result of a successful verification.</summary>
/// <param name="Id">The snapshot.</param>
/// <param name="VerifiedAt">When the comparison finished.</param>
/// <param name="FilesChecked">Files whose size and SHA-256 matched the manifest.</param>
/// <param name="Tables">Tables whose restored fingerprint matched.</param>
/// <param name="Rows">Rows in those tables.</param>
/// <param name="Elapsed">Check, restore and compare together.</param>
public sealed record SnapshotVerification(string Id, DateTimeOffset VerifiedAt, int FilesChecked, int Tables, long Rows, TimeSpan Elapsed);
