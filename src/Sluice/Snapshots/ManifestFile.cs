using System.Text.Json;
using Sluice.Errors;
using Sluice.Fingerprints;
using Sluice.Secrets;

namespace Sluice.Snapshots;

/// <summary>Reads and writes <c>manifest.json</c> (snake_case); written to a temporary file and renamed, so a reader
/// never sees half a manifest.</summary>
public static class ManifestFile
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
    };

    public static Task WriteAsync(string folder, SnapshotManifest manifest, ISecretRedactor redactor, CancellationToken cancellationToken) =>
        SecretFiles.WriteAllTextAsync(Path.Combine(folder, SnapshotManifest.FileName), JsonSerializer.Serialize(manifest, Options), redactor, cancellationToken);

    public static async Task<SnapshotManifest> ReadAsync(string folder, CancellationToken cancellationToken)
    {
        var path = Path.Combine(folder, SnapshotManifest.FileName);
        if (!File.Exists(path))
            throw new SluiceException(ErrorKind.Failure, ErrorCodes.ManifestUnreadable,
                $"snapshot {Path.GetFileName(folder)} is damaged: its {SnapshotManifest.FileName} is missing",
                "the snapshot was not completed or was damaged and cannot be trusted; take a new one (and delete this folder)", path);
        try
        {
            await using var stream = File.OpenRead(path);
            return await JsonSerializer.DeserializeAsync<SnapshotManifest>(stream, Options, cancellationToken)
                ?? throw new JsonException("the manifest is null");
        }
        catch (JsonException e)
        {
            int? line = e.LineNumber is { } zeroBased ? (int)zeroBased + 1 : null;
            throw new SluiceException(ErrorKind.Failure, ErrorCodes.ManifestUnreadable,
                $"snapshot {Path.GetFileName(folder)} is damaged: its {SnapshotManifest.FileName} is unreadable ({e.Message})",
                "the manifest was damaged and the snapshot cannot be trusted; take a new snapshot (and delete this folder)", path, line, e);
        }
    }
}
