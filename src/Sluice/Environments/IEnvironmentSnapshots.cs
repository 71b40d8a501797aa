using Sluice.Releases;
using Sluice.Snapshots;

namespace Sluice.Environments;

/// <summary>The snapshots of one session's environment; its database is the one snapshotted and restored.</summary>
public interface IEnvironmentSnapshots
{
    /// <summary>Where they are kept: <c>.sluice/snapshots/&lt;env&gt;/</c>.</summary>
    SnapshotCatalog Catalog { get; }

    /// <summary>True for the embedded default or a <c>local</c> definition with no <c>--database</c> pointing elsewhere.</summary>
    bool IsLocal { get; }

    /// <summary>Dumps the database with its fingerprint; not verified yet.</summary>
    Task<SnapshotManifest> TakeAsync(CancellationToken cancellationToken);

    /// <summary>Restores <paramref name="id"/> into a throwaway database and compares fingerprints.</summary>
    Task<SnapshotVerification> VerifyAsync(string id, CancellationToken cancellationToken);

    /// <summary>Replaces the environment's database with <paramref name="id"/>.</summary>
    Task RestoreAsync(string id, CancellationToken cancellationToken);

    /// <summary>What Promote takes and verifies before migrating, where the snapshot gate applies.</summary>
    IReleaseSnapshot Release { get; }
}
