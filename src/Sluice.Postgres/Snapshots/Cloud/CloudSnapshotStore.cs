using System.Diagnostics;
using System.Text;
using Npgsql;
using Sluice.Errors;
using Sluice.Fingerprints;
using Sluice.Postgres.Fingerprints;
using Sluice.Snapshots;
using Sluice.Snapshots.Cloud;

namespace Sluice.Postgres.Snapshots.Cloud;

/// <summary>
/// Snapshots a managed service takes itself (RDS manual DB snapshots, Azure Flexible Server backups), kept like any other
/// in the environment's snapshot folder: a manifest per snapshot, with the source's fingerprint and, once verified,
/// <see cref="SnapshotManifest.VerifiedAt"/>, so gates read them as they read pg_dump ones. Verifying restores the
/// snapshot to a small throwaway copy (<see cref="CloudCopies"/>), compares its fingerprint with the manifest's and
/// deletes the copy.
/// <para>The manifest's fingerprint is taken in a REPEATABLE READ transaction opened just before the provider is asked
/// for the snapshot, the closest a client can get to the provider's own point in time: a write in between makes the
/// verification fail (a false alarm, never a false pass). Snapshot a quiet database, or expect to retry.</para>
/// </summary>
public sealed class CloudSnapshotStore(CloudSnapshotOptions options, ICloudSnapshotProvider provider, string sourceConnectionString,
    ISnapshotListener? listener = null, TimeProvider? timeProvider = null) : ISnapshotStore, ISnapshotCopies
{
    private readonly SnapshotCatalog _catalog = new(options.Folder, options.Redactor);
    private readonly TimeProvider _clock = timeProvider ?? TimeProvider.System;
    private readonly PostgresFingerprints _fingerprints = new(options.Fingerprint);
    private readonly CloudCopies _copies = new(provider, options, timeProvider ?? TimeProvider.System);

    public SnapshotCatalog Catalog => _catalog;

    /// <summary>Takes the provider's snapshot of <paramref name="connectionString"/>'s instance and waits until it is available.</summary>
    public async Task<SnapshotManifest> CreateAsync(string connectionString, CancellationToken cancellationToken)
    {
        var createdAt = _clock.GetUtcNow();
        var id = SnapshotIds.New(createdAt);
        var name = ProviderName(options.Environment, id);
        Directory.CreateDirectory(options.Folder);
        var partial = _catalog.StartPartial(id);
        var started = false;
        try
        {
            DatabaseFingerprint fingerprint;
            string version;
            await using (var session = await ReadSession.OpenAsync(connectionString, options.Fingerprint.Degree, cancellationToken))
            {
                version = await ServerVersion.ReadAsync(session, cancellationToken);
                var tags = new Dictionary<string, string>(options.Tags) { [CloudTags.Environment] = options.Environment, [CloudTags.Snapshot] = id };
                await provider.StartSnapshotAsync(name, tags, cancellationToken);
                started = true;
                fingerprint = await _fingerprints.TakeAsync(session, cancellationToken);
            }
            await new CloudOperationPoller(options.Polling, _clock).WaitAsync($"{Kind} snapshot {name}", ct => provider.DescribeSnapshotAsync(name, ct),
                CloudState.Available, options.Definition.OperationTimeout, cancellationToken);
            var manifest = new SnapshotManifest
            {
                Id = id, Environment = options.Environment, Source = provider.Describe(), Format = SnapshotFormat.Provider,
                CreatedAt = createdAt, ServerVersion = version, ProviderSnapshot = name, Fingerprint = fingerprint,
            };
            await ManifestFile.WriteAsync(partial, manifest, _catalog.Redactor, cancellationToken);
            _catalog.Complete(partial, id);
            return manifest;
        }
        catch
        {
            if (Directory.Exists(partial)) Directory.Delete(partial, recursive: true);
            // A snapshot Sluice has no manifest for would never be verified, listed or pruned: do not leave one behind.
            if (started) await DeleteQuietlyAsync(name);
            throw;
        }
    }

    public async Task<SnapshotVerification> VerifyAsync(string id, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var (folder, manifest) = await LoadAsync(id, cancellationToken);
        await _copies.WithCopyAsync(manifest, sourceConnectionString, async (copy, ct) =>
        {
            PgDumpSnapshotStore.EnsureEqual(manifest, await _fingerprints.TakeAsync(copy, ct, like: manifest.Fingerprint), Path.Combine(folder, SnapshotManifest.FileName));
            return true;
        }, cancellationToken);
        return await _catalog.MarkVerifiedAsync(manifest, _clock.GetUtcNow(), clock.Elapsed, listener, cancellationToken);
    }

    /// <summary>Refused (<c>SLU261</c>): a provider snapshot restores to a new instance, never over the live one.</summary>
    public Task RestoreAsync(string id, string targetConnectionString, CancellationToken cancellationToken) =>
        throw SluiceException.Usage(ErrorCodes.CloudRestoreInPlace,
            $"snapshot {id} is a {Kind} snapshot: it restores to a new instance, not over the environment's database",
            "restore it to a new instance with the provider's console or CLI and switch the application over (docs/cloud.md, \"Restoring for real\")");

    public async Task<DiffReport> CompareAsync(string id, string connectionString, CancellationToken cancellationToken, DiffOptions? diffOptions = null)
    {
        var (_, manifest) = await LoadAsync(id, cancellationToken);
        return await _copies.WithCopyAsync(manifest, sourceConnectionString,
            (copy, ct) => _fingerprints.DiffAsync(copy, connectionString, ct, diffOptions), cancellationToken);
    }

    /// <summary>Runs <paramref name="work"/> on a throwaway copy restored from snapshot <paramref name="id"/> (a rehearsal
    /// on real data), and deletes the copy afterwards.</summary>
    public async Task<T> OnCopyAsync<T>(string id, Func<string, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        var (_, manifest) = await LoadAsync(id, cancellationToken);
        return await _copies.WithCopyAsync(manifest, sourceConnectionString, work, cancellationToken);
    }

    /// <summary>Deletes the copies an interrupted run left (tagged as this source's, older than <c>max_copy_lifetime</c>).</summary>
    public Task<IReadOnlyList<string>> SweepAsync(CancellationToken cancellationToken) => _copies.SweepAsync(cancellationToken);

    public Task<IReadOnlyList<SnapshotManifest>> ListAsync(CancellationToken cancellationToken) => _catalog.ListAsync(cancellationToken);

    public Task<IReadOnlyList<string>> PruneAsync(int keep, CancellationToken cancellationToken) =>
        _catalog.PruneAsync(keep, (manifest, ct) => manifest.ProviderSnapshot is { } name ? provider.DeleteSnapshotAsync(name, ct) : Task.CompletedTask, cancellationToken);

    /// <summary>The provider's name for a snapshot: <c>sluice-&lt;env&gt;-&lt;id&gt;</c> in lowercase letters, digits and
    /// single hyphens, starting with a letter (what RDS and Azure both accept).</summary>
    public static string ProviderName(string environment, string id)
    {
        var text = new StringBuilder("sluice-");
        foreach (var c in $"{environment}-{id}".ToLowerInvariant())
        {
            var keep = char.IsAsciiLetterOrDigit(c) ? c : '-';
            if (keep == '-' && text[^1] == '-') continue;
            text.Append(keep);
        }
        return text.ToString().TrimEnd('-');
    }

    private string Kind => provider.Kind.ToString().ToLowerInvariant();

    private async Task<(string Folder, SnapshotManifest Manifest)> LoadAsync(string id, CancellationToken cancellationToken)
    {
        var (folder, manifest) = await _catalog.LoadCheckedAsync(id, cancellationToken);
        var file = Path.Combine(folder, SnapshotManifest.FileName);
        if (manifest.ProviderSnapshot is not { } name)
            throw new SluiceException(ErrorKind.Failure, ErrorCodes.CloudSnapshotGone,
                $"snapshot {id} is not a provider snapshot (format {manifest.Format})", "verify it where it was taken", file);
        var found = await provider.DescribeSnapshotAsync(name, cancellationToken);
        if (found.State != CloudState.Available)
            throw new SluiceException(ErrorKind.Failure, ErrorCodes.CloudSnapshotGone,
                $"snapshot {id}: {Kind} snapshot {name} is {(found.State == CloudState.Gone ? "gone" : $"'{found.Status}'")} at the provider",
                "take a new snapshot", file);
        return (folder, manifest);
    }

    private async Task DeleteQuietlyAsync(string name)
    {
        try
        {
            using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(2), _clock);
            await provider.DeleteSnapshotAsync(name, limit.Token);
        }
        catch (Exception e) when (e is SluiceException or OperationCanceledException or HttpRequestException)
        {
            // The failure that brought us here is the one to report; the snapshot is tagged and can be found.
        }
    }
}
