using Sluice.Postgres.Fingerprints;
using Sluice.Secrets;
using Sluice.Snapshots;

namespace Sluice.Postgres.Snapshots;

/// <summary>Where and how <see cref="PgDumpSnapshotStore"/> keeps snapshots.</summary>
public sealed record PgDumpSnapshotOptions
{
    /// <summary>The environment's snapshot folder, normally <see cref="SnapshotIds.DefaultFolder"/>.</summary>
    public required string Folder { get; init; }

    /// <summary>The environment's name, recorded in manifests.</summary>
    public required string Environment { get; init; }

    /// <summary>The run's secrets, kept out of the manifests; none by default.</summary>
    public ISecretRedactor Redactor { get; init; } = SecretValues.None;

    /// <summary><see cref="SnapshotFormat.Custom"/> (one file) or <see cref="SnapshotFormat.Directory"/> (dumped and restored with <see cref="Jobs"/>).</summary>
    public SnapshotFormat Format { get; init; } = SnapshotFormat.Custom;

    /// <summary>Parallel pg_dump/pg_restore jobs for the directory format (and pg_restore of the custom format).</summary>
    public int Jobs { get; init; } = 2;

    public FingerprintOptions Fingerprint { get; init; } = FingerprintOptions.Default;

    /// <summary>A superuser connection to the server that verification restores into (a throwaway database is created
    /// and dropped). Null starts a throwaway local cluster instead, so verification never touches a shared server.</summary>
    public string? VerifyServer { get; init; }
}
