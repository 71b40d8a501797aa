using System.Diagnostics;
using Npgsql;
using Sluice.Errors;
using Sluice.Fingerprints;
using Sluice.Postgres.Clusters;
using Sluice.Postgres.Databases;
using Sluice.Postgres.Fingerprints;
using Sluice.Snapshots;

namespace Sluice.Postgres.Snapshots;

/// <summary>
/// Snapshots as <c>pg_dump</c> archives in <c>&lt;folder&gt;/&lt;id&gt;/</c> beside a manifest. The fingerprint in the
/// manifest is taken in the very snapshot the dump reads (an exported snapshot held open in a REPEATABLE READ
/// transaction, <c>pg_dump --snapshot</c>), so it is exact even while the application writes.
/// </summary>
public sealed class PgDumpSnapshotStore(PgDumpSnapshotOptions options, PostgresToolchain toolchain,
    ISnapshotListener? listener = null, TimeProvider? timeProvider = null) : ISnapshotStore, ISnapshotCopies
{
    private const string ArchiveName = "dump";
    private readonly SnapshotCatalog _catalog = new(options.Folder, options.Redactor);
    private readonly TimeProvider _clock = timeProvider ?? TimeProvider.System;
    private readonly PostgresFingerprints _fingerprints = new(options.Fingerprint);

    public SnapshotCatalog Catalog => _catalog;

    public async Task<SnapshotManifest> CreateAsync(string connectionString, CancellationToken cancellationToken)
    {
        var createdAt = _clock.GetUtcNow();
        var id = SnapshotIds.New(createdAt);
        Directory.CreateDirectory(options.Folder);
        var partial = _catalog.StartPartial(id);
        try
        {
            DatabaseFingerprint fingerprint;
            string version;
            await using (var session = await ReadSession.OpenAsync(connectionString, options.Fingerprint.Degree, cancellationToken))
            {
                version = await ServerVersion.ReadAsync(session, cancellationToken);
                // The session's transaction stays open until both finish: pg_dump reads the snapshot it exported.
                var dump = DumpAsync(connectionString, session.SnapshotId, Path.Combine(partial, ArchiveName), cancellationToken);
                var take = _fingerprints.TakeAsync(session, cancellationToken);
                await Task.WhenAll(dump, take);
                fingerprint = await take;
            }
            var manifest = new SnapshotManifest
            {
                Id = id, Environment = options.Environment, Source = PgConnectionEnvironment.Describe(connectionString),
                Format = options.Format, CreatedAt = createdAt, ServerVersion = version,
                Files = await SnapshotFiles.DescribeAsync(partial, cancellationToken), Fingerprint = fingerprint,
            };
            await ManifestFile.WriteAsync(partial, manifest, _catalog.Redactor, cancellationToken);
            _catalog.Complete(partial, id);
            return manifest;
        }
        catch
        {
            if (Directory.Exists(partial)) Directory.Delete(partial, recursive: true);
            throw;
        }
    }

    public async Task<SnapshotVerification> VerifyAsync(string id, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var (folder, manifest) = await _catalog.LoadCheckedAsync(id, cancellationToken);
        await ScratchServer.WithEmptyDatabaseAsync(options.VerifyServer, toolchain, async scratch =>
        {
            await RestoreCheckedAsync(folder, manifest, scratch.ConnectionString, cancellationToken);
            return true;
        }, cancellationToken);
        return await _catalog.MarkVerifiedAsync(manifest, _clock.GetUtcNow(), clock.Elapsed, listener, cancellationToken);
    }

    public async Task RestoreAsync(string id, string targetConnectionString, CancellationToken cancellationToken)
    {
        var (folder, manifest) = await _catalog.LoadCheckedAsync(id, cancellationToken);
        await TargetDatabase.RecreateAsync(targetConnectionString, template: null, cancellationToken);
        await RestoreCheckedAsync(folder, manifest, targetConnectionString, cancellationToken);
    }

    // A restore is done when it compares equal, not when pg_restore exits 0.
    private async Task RestoreCheckedAsync(string folder, SnapshotManifest manifest, string targetConnectionString, CancellationToken cancellationToken)
    {
        await RestoreArchiveAsync(folder, targetConnectionString, cancellationToken);
        EnsureEqual(manifest, await _fingerprints.TakeAsync(targetConnectionString, cancellationToken, like: manifest.Fingerprint), Path.Combine(folder, ArchiveName));
    }

    public async Task<DiffReport> CompareAsync(string id, string connectionString, CancellationToken cancellationToken, DiffOptions? diffOptions = null)
    {
        var (folder, _) = await _catalog.LoadCheckedAsync(id, cancellationToken);
        return await ScratchServer.WithEmptyDatabaseAsync(options.VerifyServer, toolchain, async scratch =>
        {
            await RestoreArchiveAsync(folder, scratch.ConnectionString, cancellationToken);
            return await _fingerprints.DiffAsync(scratch.ConnectionString, connectionString, cancellationToken, diffOptions);
        }, cancellationToken);
    }

    /// <summary>Restores snapshot <paramref name="id"/> onto a throwaway local cluster of its own (never beside the
    /// environment: the work may change anything there) as a <see cref="SnapshotCopy"/>, checked equal, runs
    /// <paramref name="work"/> on it and removes the cluster.</summary>
    public async Task<T> OnCopyAsync<T>(string id, Func<string, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        // A missing snapshot fails before a cluster is started for it; its files are checked by the restore.
        _catalog.Find(id);
        await using var cluster = await LocalCluster.StartEphemeralAsync(toolchain, cancellationToken);
        return await SnapshotCopy.OnCopyAsync(this, id, new EphemeralDatabases(cluster.ConnectionString()), work, cancellationToken);
    }

    public Task<IReadOnlyList<SnapshotManifest>> ListAsync(CancellationToken cancellationToken) => _catalog.ListAsync(cancellationToken);

    public Task<IReadOnlyList<string>> PruneAsync(int keep, CancellationToken cancellationToken) =>
        _catalog.PruneAsync(keep, (_, _) => Task.CompletedTask, cancellationToken);

    internal static void EnsureEqual(SnapshotManifest manifest, DatabaseFingerprint restored, string file)
    {
        var report = FingerprintComparison.Compare(manifest.Fingerprint, restored);
        if (report.AreEqual) return;
        var lines = report.Render().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        throw new SluiceException(ErrorKind.Failure, ErrorCodes.FingerprintMismatch,
            $"snapshot {manifest.Id}: the restored database differs from the fingerprint taken with the snapshot: {string.Join("; ", lines.Take(8))}",
            "the snapshot cannot be trusted; take a new one and verify it", file);
    }

    private async Task DumpAsync(string connectionString, string snapshotId, string archive, CancellationToken cancellationToken)
    {
        var format = options.Format == SnapshotFormat.Directory ? "directory" : "custom";
        // The lease row is the runner's of now, not data of the snapshot: a restore must not bring a stale holder back.
        List<string> arguments = [$"--format={format}", $"--file={archive}", $"--snapshot={snapshotId}", "--no-password", $"--exclude-table-data={LeaseRows.Table}"];
        if (options.Format == SnapshotFormat.Directory) arguments.Add($"--jobs={options.Jobs}");
        var result = await toolchain.RunClientProgramAsync("pg_dump", arguments, cancellationToken, PgConnectionEnvironment.For(connectionString));
        if (!result.Succeeded)
            throw new SluiceException(ErrorKind.Failure, ErrorCodes.DumpFailed,
                $"pg_dump of {PgConnectionEnvironment.Describe(connectionString)} failed (exit {result.ExitCode}): {result.StandardError.Trim()}",
                "check that the user may read every table and that pg_dump is at least the server's version", archive);
    }

    private async Task RestoreArchiveAsync(string folder, string connectionString, CancellationToken cancellationToken)
    {
        var archive = Path.Combine(folder, ArchiveName);
        var database = new NpgsqlConnectionStringBuilder(connectionString).Database!;
        // Ownership and grants are left out: the fingerprint ignores them and the roles may not exist where it lands.
        List<string> arguments = ["--no-owner", "--no-privileges", "--exit-on-error", "--no-password", $"--dbname={database}", $"--jobs={options.Jobs}", archive];
        var result = await toolchain.RunClientProgramAsync("pg_restore", arguments, cancellationToken, PgConnectionEnvironment.For(connectionString));
        if (!result.Succeeded)
            throw new SluiceException(ErrorKind.Failure, ErrorCodes.RestoreFailed,
                $"pg_restore into {PgConnectionEnvironment.Describe(connectionString)} failed (exit {result.ExitCode}): {result.StandardError.Trim()}",
                "the archive may be damaged or from a newer server; take a new snapshot", archive);
    }
}
