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
            throw SluiceException.Usage(ErrorCodes.SnapshotNotFound, $"no snapshot '{id}' in {Folder}",
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

    /// <summary>Every snapshot with a readable manifest, newest first. Says nothing about its files: for what a snapshot
    /// can be trusted with, use <see cref="InspectAsync"/>.</summary>
    public async Task<IReadOnlyList<SnapshotManifest>> ListAsync(CancellationToken cancellationToken) =>
        [.. (await InspectAsync(checkFiles: false, cancellationToken)).Where(e => e.Manifest is not null).Select(e => e.Manifest!)];

    /// <summary>
    /// Every snapshot folder, newest first, damaged ones included and saying why: a missing or unreadable manifest,
    /// and with <paramref name="checkFiles"/> a file missing, resized or changed (its SHA-256). A folder without a
    /// readable manifest is placed by the time in its id (ids sort by time, to the second), and within that second
    /// before the intact ones: when in doubt, a damaged snapshot is "the latest" rather than hidden behind an older one.
    /// Folders being written (<c>.&lt;id&gt;.partial</c>) are not snapshots yet and are left out.
    /// </summary>
    public async Task<IReadOnlyList<SnapshotEntry>> InspectAsync(bool checkFiles, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(Folder)) return [];
        var entries = new List<(SnapshotEntry Entry, DateTimeOffset At)>();
        foreach (var path in Directory.EnumerateDirectories(Folder))
        {
            var id = Path.GetFileName(path);
            if (!SnapshotIds.IsValid(id)) continue;
            SnapshotManifest? manifest = null;
            string? damage = null;
            try
            {
                manifest = await ManifestFile.ReadAsync(path, cancellationToken);
                if (checkFiles) await SnapshotFiles.CheckAsync(path, manifest, cancellationToken);
            }
            catch (SluiceException e) when (e.Kind == ErrorKind.Failure)
            {
                damage = $"{e.Message} ({Path.GetRelativePath(path, e.File ?? path)})";
            }
            var at = SnapshotIds.TimeOf(id) ?? manifest?.CreatedAt ?? new DateTimeOffset(Directory.GetCreationTimeUtc(path), TimeSpan.Zero);
            entries.Add((new SnapshotEntry(id, manifest, damage), at));
        }
        return [.. entries.OrderByDescending(e => e.At).ThenByDescending(e => e.Entry.Manifest?.CreatedAt ?? DateTimeOffset.MaxValue)
            .ThenByDescending(e => e.Entry.Id, StringComparer.Ordinal).Select(e => e.Entry)];
    }

    /// <summary>The newest snapshot folder's id, damaged or not (verifying "the latest" must not quietly verify an
    /// older one); <c>SLU050</c> when there is none.</summary>
    public async Task<string> LatestAsync(CancellationToken cancellationToken) =>
        (await InspectAsync(checkFiles: false, cancellationToken)).FirstOrDefault()?.Id
        ?? throw SluiceException.Usage(ErrorCodes.SnapshotNotFound, $"no snapshots in {Folder}", "take one with the Snapshot target");

    /// <summary>When the newest verified snapshot whose files are still intact was verified; null when none is. A
    /// snapshot damaged since its verification does not count.</summary>
    public async Task<DateTimeOffset?> LatestIntactVerificationAsync(CancellationToken cancellationToken) =>
        (await LatestIntactVerifiedAsync(cancellationToken))?.VerifiedAt;

    /// <summary>The manifest of the latest verified snapshot whose files still match it; null when none does.</summary>
    public async Task<SnapshotManifest?> LatestIntactVerifiedAsync(CancellationToken cancellationToken)
    {
        foreach (var manifest in (await ListAsync(cancellationToken)).Where(m => m.VerifiedAt is not null).OrderByDescending(m => m.VerifiedAt))
        {
            try
            {
                await SnapshotFiles.CheckAsync(PathOf(manifest.Id), manifest, cancellationToken);
                return manifest;
            }
            catch (SluiceException e) when (e.Kind == ErrorKind.Failure)
            {
                // Damaged since it was verified: the next one may still hold.
            }
        }
        return null;
    }

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
