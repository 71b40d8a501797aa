using Sluice.Errors;
using Sluice.Fingerprints;
using Sluice.Secrets;

namespace Sluice.Snapshots;

/// <summary>
/// An environment's snapshot folder (<c>&lt;root&gt;/.sluice/snapshots/&lt;env&gt;/&lt;id&gt;/</c>): finding, listing and
/// pruning snapshots, whatever holds their data. A snapshot being written lives in <c>.&lt;id&gt;.partial</c> and is
/// renamed when complete, so it is never listed half-made.
/// </summary>
/// <param name="redactor">The run's secrets, kept out of the manifests it writes; none by default.</param>
public sealed class SnapshotCatalog(string folder, ISecretRedactor? redactor = null)
{
    public string Folder { get; } = folder;

    /// <summary>What every manifest written through this catalog passes through.</summary>
    public ISecretRedactor Redactor { get; } = redactor ?? SecretValues.None;

    public string PathOf(string id) => Path.Combine(Folder, id);

    /// <summary>A fresh folder to write a snapshot into before <see cref="Complete"/> publishes it.</summary>
    public string StartPartial(string id)
    {
        var partial = Path.Combine(Folder, $".{id}.partial");
        if (Directory.Exists(partial)) Directory.Delete(partial, recursive: true);
        Directory.CreateDirectory(partial);
        return partial;
    }

    public string Complete(string partial, string id)
    {
        var final = PathOf(id);
        Directory.Move(partial, final);
        return final;
    }

    /// <summary>The folder of snapshot <paramref name="id"/>; <c>SLU050</c> when there is none.</summary>
    public string Find(string id)
    {
        var path = PathOf(id);
        if (!SnapshotIds.IsValid(id) || !Directory.Exists(path))
            throw SluiceException.Usage(FingerprintErrorCodes.SnapshotNotFound, $"no snapshot '{id}' in {Folder}",
                "list them with the Snapshots target, or take one with Snapshot", path);
        return path;
    }

    /// <summary>Reads a snapshot's manifest and checks its files against it (<c>SLU050-SLU053</c>).</summary>
    public async Task<(string Folder, SnapshotManifest Manifest)> LoadCheckedAsync(string id, CancellationToken cancellationToken)
    {
        var folder = Find(id);
        var manifest = await ManifestFile.ReadAsync(folder, cancellationToken);
        await SnapshotFiles.CheckAsync(folder, manifest, cancellationToken);
        return (folder, manifest);
    }

    /// <summary>Records a passed verification in the manifest and tells <paramref name="listener"/>.</summary>
    public async Task<SnapshotVerification> MarkVerifiedAsync(SnapshotManifest manifest, DateTimeOffset verifiedAt, TimeSpan elapsed,
        ISnapshotListener? listener, CancellationToken cancellationToken)
    {
        var verification = new SnapshotVerification(manifest.Id, verifiedAt, manifest.Files.Count, manifest.Fingerprint.Data.Tables.Count,
            manifest.Fingerprint.Data.Tables.Sum(t => t.Rows), elapsed);
        var verified = manifest with { VerifiedAt = verifiedAt };
        await ManifestFile.WriteAsync(PathOf(manifest.Id), verified, Redactor, cancellationToken);
        if (listener is not null) await listener.SnapshotVerifiedAsync(verified, verification, cancellationToken);
        return verification;
    }

    /// <summary>Every complete snapshot, newest first.</summary>
    public async Task<IReadOnlyList<SnapshotManifest>> ListAsync(CancellationToken cancellationToken)
    {
        if (!Directory.Exists(Folder)) return [];
        var manifests = new List<SnapshotManifest>();
        foreach (var path in Directory.EnumerateDirectories(Folder))
        {
            if (Path.GetFileName(path).StartsWith('.') || !File.Exists(Path.Combine(path, SnapshotManifest.FileName))) continue;
            manifests.Add(await ManifestFile.ReadAsync(path, cancellationToken));
        }
        return [.. manifests.OrderByDescending(m => m.CreatedAt).ThenByDescending(m => m.Id, StringComparer.Ordinal)];
    }

    /// <summary>The newest snapshot's id; <c>SLU050</c> when there is none.</summary>
    public async Task<string> LatestAsync(CancellationToken cancellationToken) =>
        (await ListAsync(cancellationToken)).FirstOrDefault()?.Id
        ?? throw SluiceException.Usage(FingerprintErrorCodes.SnapshotNotFound, $"no snapshots in {Folder}", "take one with the Snapshot target");

    /// <summary>Keeps the newest <paramref name="keep"/> snapshots and the newest verified one; deletes the rest
    /// (through <paramref name="delete"/>, which also frees what a snapshot holds elsewhere).</summary>
    public async Task<IReadOnlyList<string>> PruneAsync(int keep, Func<SnapshotManifest, CancellationToken, Task> delete, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(keep);
        var all = await ListAsync(cancellationToken);
        var newestVerified = all.FirstOrDefault(m => m.Verified)?.Id;
        var deleted = new List<string>();
        foreach (var manifest in all.Skip(keep).Where(m => m.Id != newestVerified))
        {
            await delete(manifest, cancellationToken);
            Directory.Delete(PathOf(manifest.Id), recursive: true);
            deleted.Add(manifest.Id);
        }
        return deleted;
    }
}
