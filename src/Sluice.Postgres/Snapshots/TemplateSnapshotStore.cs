using System.Diagnostics;
using Npgsql;
using Sluice.Errors;
using Sluice.Fingerprints;
using Sluice.Postgres.Databases;
using Sluice.Postgres.Fingerprints;
using Sluice.Snapshots;
using Sluice.Secrets;

namespace Sluice.Postgres.Snapshots;

/// <summary>
/// Snapshots as template databases on the same server (<c>CREATE DATABASE ... TEMPLATE</c>): fast to take and to
/// restore, for local environments and rehearsals. The manifest lives in the snapshot folder like a dump's. PostgreSQL
/// copies a template only while nobody is connected to it, so taking one needs the source idle (or
/// <see cref="TemplateSnapshotOptions.TerminateSessions"/>).
/// </summary>
public sealed class TemplateSnapshotStore(TemplateSnapshotOptions options, ISnapshotListener? listener = null, TimeProvider? timeProvider = null)
    : ISnapshotStore, ISnapshotCopies
{
    private readonly SnapshotCatalog _catalog = new(options.Folder, options.Redactor);
    private readonly TimeProvider _clock = timeProvider ?? TimeProvider.System;
    private readonly PostgresFingerprints _fingerprints = new(options.Fingerprint);
    private readonly string _admin = new NpgsqlConnectionStringBuilder(options.Server) { Pooling = false }.ConnectionString;

    public async Task<SnapshotManifest> CreateAsync(string connectionString, CancellationToken cancellationToken)
    {
        var createdAt = _clock.GetUtcNow();
        var id = SnapshotIds.New(createdAt);
        var copy = DatabaseName(id);
        var source = new NpgsqlConnectionStringBuilder(connectionString).Database!;
        Directory.CreateDirectory(options.Folder);
        var partial = _catalog.StartPartial(id);
        try
        {
            using (var pooled = new NpgsqlConnection(connectionString)) NpgsqlConnection.ClearPool(pooled);
            if (options.TerminateSessions) await ExecuteAsync($"SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE datname = {Quote(source)} AND pid <> pg_backend_pid()", cancellationToken);
            try
            {
                await ExecuteAsync(admin => CreateDatabaseStatement.For(admin, copy, source, CloneStrategy.FileCopy), cancellationToken);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ObjectInUse)
            {
                throw new SluiceException(ErrorKind.Failure, ErrorCodes.DumpFailed,
                    $"cannot copy database '{source}' as a template: sessions are connected to it",
                    "stop the application, or use TerminateSessions, or take a pg_dump snapshot instead", inner: e);
            }
            // The copy carries the source's lease row, the runner's of now and not data of the snapshot.
            await LeaseRows.ClearAsync(CopyConnection(copy), cancellationToken);
            // Nobody can connect to the copy yet, so its fingerprint is the source's at the moment of the copy.
            var fingerprint = await _fingerprints.TakeAsync(CopyConnection(copy), cancellationToken);
            await SealAsync(copy, cancellationToken);
            var manifest = new SnapshotManifest
            {
                Id = id, Environment = options.Environment, Source = PgConnectionEnvironment.Describe(connectionString),
                Format = SnapshotFormat.Template, CreatedAt = createdAt, Database = copy, Fingerprint = fingerprint,
            };
            await ManifestFile.WriteAsync(partial, manifest, _catalog.Redactor, cancellationToken);
            _catalog.Complete(partial, id);
            return manifest;
        }
        catch
        {
            if (Directory.Exists(partial)) Directory.Delete(partial, recursive: true);
            await DropAsync(copy, CancellationToken.None);
            throw;
        }
    }

    public async Task<SnapshotVerification> VerifyAsync(string id, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var (folder, manifest) = await LoadAsync(id, cancellationToken);
        await using (var clone = await CloneAsync(manifest, cancellationToken))
            PgDumpSnapshotStore.EnsureEqual(manifest, await _fingerprints.TakeAsync(clone.ConnectionString, cancellationToken, like: manifest.Fingerprint),
                Path.Combine(folder, SnapshotManifest.FileName));
        return await _catalog.MarkVerifiedAsync(manifest, _clock.GetUtcNow(), clock.Elapsed, listener, cancellationToken);
    }

    public async Task RestoreAsync(string id, string targetConnectionString, CancellationToken cancellationToken)
    {
        var (folder, manifest) = await LoadAsync(id, cancellationToken);
        await TargetDatabase.RecreateAsync(targetConnectionString, manifest.Database, cancellationToken);
        PgDumpSnapshotStore.EnsureEqual(manifest, await _fingerprints.TakeAsync(targetConnectionString, cancellationToken, like: manifest.Fingerprint),
            Path.Combine(folder, SnapshotManifest.FileName));
    }

    public async Task<DiffReport> CompareAsync(string id, string connectionString, CancellationToken cancellationToken, DiffOptions? diffOptions = null)
    {
        var (_, manifest) = await LoadAsync(id, cancellationToken);
        await using var clone = await CloneAsync(manifest, cancellationToken);
        return await _fingerprints.DiffAsync(clone.ConnectionString, connectionString, cancellationToken, diffOptions);
    }

    /// <summary>Restores snapshot <paramref name="id"/> into a throwaway database on the same server as a
    /// <see cref="SnapshotCopy"/> (a clone of the template, checked equal), runs <paramref name="work"/> on it and drops it.</summary>
    public Task<T> OnCopyAsync<T>(string id, Func<string, CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        SnapshotCopy.OnCopyAsync(this, id, new EphemeralDatabases(options.Server), work, cancellationToken);

    public Task<IReadOnlyList<SnapshotManifest>> ListAsync(CancellationToken cancellationToken) => _catalog.ListAsync(cancellationToken);

    public Task<IReadOnlyList<string>> PruneAsync(int keep, CancellationToken cancellationToken) =>
        _catalog.PruneAsync(keep, (manifest, ct) => manifest.Database is { } database ? DropAsync(database, ct) : Task.CompletedTask, cancellationToken);

    private async Task<(string Folder, SnapshotManifest Manifest)> LoadAsync(string id, CancellationToken cancellationToken)
    {
        var (folder, manifest) = await _catalog.LoadCheckedAsync(id, cancellationToken);
        if (manifest.Database is null || !await ExistsAsync(manifest.Database, cancellationToken))
            throw new SluiceException(ErrorKind.Failure, ErrorCodes.FileMissingOrResized,
                $"snapshot {id}: its database '{manifest.Database}' no longer exists on {PgConnectionEnvironment.Describe(options.Server)}",
                "the copy was dropped; take a new snapshot", Path.Combine(folder, SnapshotManifest.FileName));
        return (folder, manifest);
    }

    private Task<EphemeralDatabase> CloneAsync(SnapshotManifest manifest, CancellationToken cancellationToken) =>
        new EphemeralDatabases(options.Server).CloneAsync(manifest.Database!, cancellationToken);

    private async Task SealAsync(string database, CancellationToken cancellationToken)
    {
        using (var pooled = new NpgsqlConnection(CopyConnection(database))) NpgsqlConnection.ClearPool(pooled);
        await ExecuteAsync($"ALTER DATABASE {Identifier(database)} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false", cancellationToken);
    }

    private async Task DropAsync(string database, CancellationToken cancellationToken)
    {
        if (!await ExistsAsync(database, cancellationToken)) return;
        await ExecuteAsync($"ALTER DATABASE {Identifier(database)} WITH IS_TEMPLATE false", cancellationToken);
        await ExecuteAsync($"DROP DATABASE IF EXISTS {Identifier(database)} WITH (FORCE)", cancellationToken);
    }

    private async Task<bool> ExistsAsync(string database, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(_admin);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", connection) { Parameters = { new() { Value = database } } };
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private Task ExecuteAsync(string sql, CancellationToken cancellationToken) => ExecuteAsync(_ => sql, cancellationToken);

    /// <summary>Runs the statement <paramref name="sql"/> writes for the server (some depend on its version).</summary>
    private async Task ExecuteAsync(Func<NpgsqlConnection, string> sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(_admin);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql(connection), connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private string CopyConnection(string database) => new NpgsqlConnectionStringBuilder(options.Server) { Database = database, Pooling = false }.ConnectionString;

    /// <summary><c>sluice_snap_&lt;id&gt;</c>, lowercased so it needs no quoting.</summary>
    public static string DatabaseName(string id) => $"sluice_snap_{id.ToLowerInvariant().Replace('-', '_')}";

    private static string Identifier(string name) => Databases.Sql.Identifier(name);

    private static string Quote(string value) => $"'{value.Replace("'", "''", StringComparison.Ordinal)}'";
}

/// <summary>Where <see cref="TemplateSnapshotStore"/> keeps manifests and which server holds the copies.</summary>
public sealed record TemplateSnapshotOptions
{
    /// <summary>The environment's snapshot folder (manifests only; the data stays on the server).</summary>
    public required string Folder { get; init; }

    public required string Environment { get; init; }

    /// <summary>The run's secrets, kept out of the manifests; none by default.</summary>
    public ISecretRedactor Redactor { get; init; } = SecretValues.None;

    /// <summary>A superuser (or CREATEDB) connection to the server holding the source database.</summary>
    public required string Server { get; init; }

    /// <summary>End the source's sessions so it can be copied (local and rehearsal use only).</summary>
    public bool TerminateSessions { get; init; }

    public FingerprintOptions Fingerprint { get; init; } = FingerprintOptions.Default;
}
