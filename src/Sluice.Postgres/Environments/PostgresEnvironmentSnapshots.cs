using Microsoft.Extensions.Logging;
using Npgsql;
using Sluice.Environments;
using Sluice.Errors;
using Sluice.Postgres.Clusters;
using Sluice.Postgres.Migrations;
using Sluice.Postgres.Snapshots;
using Sluice.Releases;
using Sluice.Snapshots;
using Sluice.Snapshots.Cloud;
using Sluice.Postgres.Snapshots.Cloud;

namespace Sluice.Postgres.Environments;

/// <summary>
/// The session's snapshots: a pg_dump store (a local environment verifies on its own server, any other on a throwaway
/// local cluster), for <c>--snapshot-format template</c> on a local environment a template store, and on an <c>rds</c> or
/// <c>azure_flexible</c> environment the provider's own snapshots (<see cref="CloudSnapshotStore"/>). The store is
/// opened on first use (finding pg_dump takes a moment); the connection string stays here.
/// <para>Taking and restoring act under the environment's lease (the targets declare <c>.Environment()</c>). The
/// lease's lock lives in the maintenance database (<see cref="PostgresLeaseProvider"/>), so a template copy sees no
/// connection to its source once the session's idle pool is closed, and a restore keeps the lease while it drops and
/// recreates the database; the lease row is written again afterwards, since no snapshot carries one.</para>
/// </summary>
internal sealed class PostgresEnvironmentSnapshots(EnvironmentSessionRequest request, string connectionString, NpgsqlDataSource dataSource,
    Func<PostgresEnvironmentLease?> lease, ILogger? logger, PostgresSessionProvider provider) : IEnvironmentSnapshots
{
    private ISnapshotStore? _store;

    public SnapshotCatalog Catalog { get; } = new(SnapshotIds.DefaultFolder(request.Root, request.Environment), request.Secrets);

    public bool IsLocal => request.IsLocal;

    public async Task<SnapshotManifest> TakeAsync(CancellationToken cancellationToken)
    {
        var lease = Held();
        var store = await StoreAsync(cancellationToken);
        if (store is not TemplateSnapshotStore) return await store.CreateAsync(connectionString, cancellationToken);
        // PostgreSQL copies a template only while nobody is connected to it: the session's idle connections go first,
        // and the lease's heartbeat waits until the copy is made.
        dataSource.Clear();
        return await lease.WhileDatabaseIdleAsync(() => store.CreateAsync(connectionString, cancellationToken), cancellationToken);
    }

    public async Task<SnapshotVerification> VerifyAsync(string id, CancellationToken cancellationToken) =>
        await (await StoreAsync(cancellationToken)).VerifyAsync(id, cancellationToken);

    public async Task RestoreAsync(string id, CancellationToken cancellationToken)
    {
        var store = await StoreAsync(cancellationToken);
        await Held().WhileDatabaseReplacedAsync(() => store.RestoreAsync(id, connectionString, cancellationToken), cancellationToken);
    }

    /// <summary>Runs <paramref name="work"/> on a throwaway copy of <paramref name="manifest"/>'s snapshot, restored by
    /// the store of its format (a provider snapshot to a new instance or server, a dump onto a throwaway cluster, a
    /// template as a clone beside it), and deletes the copy.</summary>
    internal async Task<T> OnCopyAsync<T>(SnapshotManifest manifest, Func<string, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        var server = new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres" }.ConnectionString;
        ISnapshotCopies copies = manifest.Format switch
        {
            SnapshotFormat.Provider when request.EffectiveSpec.IsCloud => CloudStore(),
            SnapshotFormat.Provider => throw SluiceException.Usage(ErrorCodes.CloudProviderMissing,
                $"snapshot {manifest.Id} is a provider snapshot; '{request.Environment}' is not an rds or azure_flexible environment", null, request.SpecFile),
            SnapshotFormat.Template => new TemplateSnapshotStore(new TemplateSnapshotOptions { Folder = Catalog.Folder, Environment = request.Environment, Server = server, Redactor = request.Secrets }),
            _ => new PgDumpSnapshotStore(new PgDumpSnapshotOptions { Folder = Catalog.Folder, Environment = request.Environment, Redactor = request.Secrets, Format = manifest.Format },
                await PostgresToolchain.DetectAsync(cancellationToken, logger)),
        };
        return await copies.OnCopyAsync(manifest.Id, work, cancellationToken);
    }

    /// <summary>Restores snapshot <paramref name="id"/> into another database (a drill's copy), checked equal afterwards;
    /// the environment's own database is not touched, so no lease is needed.</summary>
    internal async Task RestoreIntoAsync(string id, string targetConnectionString, CancellationToken cancellationToken) =>
        await (await StoreAsync(cancellationToken)).RestoreAsync(id, targetConnectionString, cancellationToken);

    private PostgresEnvironmentLease Held() => lease() ?? throw new InvalidOperationException(
        $"the lease of '{request.Environment}' is not held: Snapshot and RestoreSnapshot declare .Environment(), and the engine takes its lease");

    public IReleaseSnapshot Release => new TakenAndVerified(this);

    private async Task<ISnapshotStore> StoreAsync(CancellationToken cancellationToken)
    {
        if (_store is not null) return _store;
        var server = new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres" }.ConnectionString;
        if (request.EffectiveSpec.IsCloud && string.IsNullOrEmpty(request.DatabaseOverride) && request.SnapshotFormat is null or SnapshotFormat.Provider)
            return _store = CloudStore();
        if (request.SnapshotFormat == SnapshotFormat.Provider)
            throw SluiceException.Usage(ErrorCodes.CloudProviderMissing,
                $"--snapshot-format provider takes the managed service's own snapshot; '{request.Environment}' is not an rds or azure_flexible environment (or --database points elsewhere)",
                "use --snapshot-format custom, directory or template here", request.SpecFile);
        if (request.SnapshotFormat == SnapshotFormat.Template && IsLocal)
            return _store = new TemplateSnapshotStore(new TemplateSnapshotOptions { Folder = Catalog.Folder, Environment = request.Environment, Server = server, Redactor = request.Secrets });
        if (request.SnapshotFormat == SnapshotFormat.Template)
            throw new InvalidOperationException($"a template snapshot keeps its copy on the environment's own server; '{request.Environment}' is not local");
        return _store = new PgDumpSnapshotStore(new PgDumpSnapshotOptions
        {
            Folder = Catalog.Folder,
            Environment = request.Environment,
            Redactor = request.Secrets,
            Format = request.SnapshotFormat ?? SnapshotFormat.Custom,
            VerifyServer = IsLocal ? server : null,
        }, await PostgresToolchain.DetectAsync(cancellationToken, logger));
    }

    private CloudSnapshotStore CloudStore()
    {
        var definition = CloudDefinitionReader.Read(request.EffectiveSpec, request.SpecFile)!;
        var tags = new Dictionary<string, string> { [CloudTags.Run] = request.By.CiRunUrl ?? $"{request.By.User}@{request.By.Host}" };
        if (request.Plans().Plans is [.., var newest]) tags[CloudTags.Plan] = newest.Id;
        return new CloudSnapshotStore(new CloudSnapshotOptions
        {
            Folder = Catalog.Folder, Environment = request.Environment, Definition = definition, Redactor = request.Secrets, Tags = tags,
        }, provider.CloudProviderFor(request, definition), connectionString);
    }

    private sealed class TakenAndVerified(PostgresEnvironmentSnapshots snapshots) : IReleaseSnapshot
    {
        public async Task<string> TakeVerifiedAsync(CancellationToken cancellationToken)
        {
            var manifest = await snapshots.TakeAsync(cancellationToken);
            var verification = await snapshots.VerifyAsync(manifest.Id, cancellationToken);
            return $"snapshot {manifest.Id} taken and verified ({verification.Tables} tables, {verification.Rows:N0} rows)";
        }
    }
}
