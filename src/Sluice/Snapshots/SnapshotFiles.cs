using System.Security.Cryptography;
using Sluice.Errors;
using Sluice.Fingerprints;

namespace Sluice.Snapshots;

/// <summary>The files of a snapshot folder (all but the manifest) with their sizes and SHA-256, and the check of a
/// folder against what its manifest recorded.</summary>
public static class SnapshotFiles
{
    public static async Task<IReadOnlyList<SnapshotFile>> DescribeAsync(string folder, CancellationToken cancellationToken)
    {
        var files = new List<SnapshotFile>();
        foreach (var path in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var relative = Path.GetRelativePath(folder, path).Replace('\\', '/');
            if (relative.StartsWith(SnapshotManifest.FileName, StringComparison.Ordinal)) continue;
            files.Add(new SnapshotFile(relative, new FileInfo(path).Length, await Sha256Async(path, cancellationToken)));
        }
        return files;
    }

    /// <summary>Throws <c>SLU053</c> for a missing or resized file and <c>SLU052</c> for a changed one, naming it.</summary>
    public static async Task CheckAsync(string folder, SnapshotManifest manifest, CancellationToken cancellationToken)
    {
        foreach (var file in manifest.Files)
        {
            var path = Path.Combine(folder, file.Path);
            if (!File.Exists(path))
                throw Damaged(ErrorCodes.FileMissingOrResized, $"snapshot {manifest.Id} is damaged: a file the manifest lists is missing", path);
            var bytes = new FileInfo(path).Length;
            if (bytes != file.Bytes)
                throw Damaged(ErrorCodes.FileMissingOrResized,
                    $"snapshot {manifest.Id} is damaged: a file is {bytes:N0} bytes, the manifest says {file.Bytes:N0} ({(bytes < file.Bytes ? "truncated" : "grown")})", path);
            var sha = await Sha256Async(path, cancellationToken);
            if (sha != file.Sha256)
                throw Damaged(ErrorCodes.FileHashMismatch,
                    $"snapshot {manifest.Id} is damaged: a file's SHA-256 is {sha[..12]}..., the manifest says {file.Sha256[..12]}... (its contents changed)", path);
        }
    }

    private static SluiceException Damaged(string code, string message, string path) =>
        new(ErrorKind.Failure, code, message, "the snapshot is damaged and cannot be trusted; take a new one", path);

    private static async Task<string> Sha256Async(string path, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, useAsync: true);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
    }
}
