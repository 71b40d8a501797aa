namespace Sluice.Snapshots;

/// <summary>One snapshot folder as found on disk, intact or not.</summary>
/// <param name="Id">The folder's name.</param>
/// <param name="Manifest">Its manifest, or null when that is missing or unreadable.</param>
/// <param name="Damage">Why the snapshot cannot be trusted (manifest missing or unreadable, a file missing, resized or
/// changed), naming the file; null when it is intact.</param>
public sealed record SnapshotEntry(string Id, SnapshotManifest? Manifest, string? Damage)
{
    public bool Intact => Damage is null;
}
