using Sluice.Fingerprints;

namespace Sluice.Snapshots;

/// <summary>
/// <c>manifest.json</c> of a snapshot folder: what was taken, from where (without credentials), when, the SHA-256 of
/// every file, and the source's fingerprints taken in the very snapshot the dump read. <see cref="VerifiedAt"/> is set
/// only after a restore compared equal.
/// </summary>
public sealed record SnapshotManifest
{
    public const string FileName = "manifest.json";

    public required string Id { get; init; }
    public required string Environment { get; init; }

    /// <summary>Where it was taken from, without credentials: <c>127.0.0.1:5433/shop</c>.</summary>
    public required string Source { get; init; }

    public required SnapshotFormat Format { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>The PostgreSQL server version of the source (<c>server_version</c>).</summary>
    public string? ServerVersion { get; init; }

    /// <summary>For <see cref="SnapshotFormat.Template"/>: the database on the source's server that holds the copy.</summary>
    public string? Database { get; init; }

    /// <summary>For <see cref="SnapshotFormat.Provider"/>: the snapshot's identifier at the provider (an RDS DB snapshot,
    /// an Azure Flexible Server backup); the data stays there and this folder holds only the manifest.</summary>
    public string? ProviderSnapshot { get; init; }

    public IReadOnlyList<SnapshotFile> Files { get; init; } = [];
    public long TotalBytes => Files.Sum(f => f.Bytes);

    public required DatabaseFingerprint Fingerprint { get; init; }

    /// <summary>When a restore of this snapshot last compared equal with <see cref="Fingerprint"/>; null until then.</summary>
    public DateTimeOffset? VerifiedAt { get; init; }

    public bool Verified => VerifiedAt is not null;
}

/// <summary>One file of a snapshot, relative to its folder (forward slashes).</summary>
public sealed record SnapshotFile(string Path, long Bytes, string Sha256);

/// <summary>How a snapshot holds its data.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<SnapshotFormat>))]
public enum SnapshotFormat
{
    /// <summary><c>pg_dump -Fc</c>: one compressed file.</summary>
    Custom,
    /// <summary><c>pg_dump -Fd -j N</c>: a folder of files, dumped and restored in parallel.</summary>
    Directory,
    /// <summary>A database on the same server (<c>CREATE DATABASE ... TEMPLATE</c>), for local and rehearsal use.</summary>
    Template,
    /// <summary>The managed service's own snapshot (RDS manual DB snapshot, Azure on-demand backup), verified by a
    /// restore to a throwaway copy.</summary>
    Provider,
}
