using Microsoft.Extensions.Logging;
using Sluice.Environments;
using Sluice.Gates;
using Sluice.Migrations.Journal;
using Sluice.Migrations.Leases;
using Sluice.Migrations.Plans;
using Sluice.Migrations.Running;
using Sluice.Postgres.Migrations;
using Sluice.Postgres.Releases;
using Sluice.Releases;

namespace Sluice.Postgres.Environments;

/// <summary>
/// A run's PostgreSQL session: one pool for every provider (journal, phases, backfills, baselines, releases, drift,
/// rehearsal evidence) plus the lease's own unpooled connection, opened once. The domain services it offers ask for
/// the lease through a <see cref="HeldLeaseProvider"/>: they act only while the engine holds it, and never take a second.
/// </summary>
internal sealed class PostgresEnvironmentSession : IEnvironmentSession
{
    private readonly EnvironmentSessionRequest _request;
    private readonly PostgresReleaseDatabase _database;
    private readonly MigrationProviders _providers;
    private readonly Lazy<EnvironmentCatalog> _catalog;
    private readonly PostgresServiceJournals _otherServices;
    private IEnvironmentLease? _lease;

    public PostgresEnvironmentSession(EnvironmentSessionRequest request, string connectionString, PostgresSessionProvider provider, ILogger? logger,
        IEnvironmentReplica? replica = null)
    {
        Replica = replica;
        Workload = new ConcurrentWorkload(connectionString);
        _request = request;
        _database = new PostgresReleaseDatabase(connectionString, new LeaseOptions(request.Spec?.LeaseTtl), redactor: request.Secrets);
        var own = _database.Migrations.Providers;
        _providers = own with { Leases = new HeldLeaseProvider(() => _lease, own.Leases) };
        _catalog = new(() => EnvironmentCatalog.Read(request.Root));
        Location = provider.Describe(connectionString);
        Migrations = new MigrationService(_providers);
        Releases = new ReleaseService(_providers, _database.Journal, expectations: _database.Expectations, replica: replica);
        var snapshots = new PostgresEnvironmentSnapshots(request, connectionString, _database.DataSource, () => _lease as PostgresEnvironmentLease, logger, provider);
        Snapshots = snapshots;
        Drills = new Drills.PostgresEnvironmentDrills(request, connectionString, _database.DataSource, snapshots);
        Rehearsals = new PostgresEnvironmentRehearsals(request, connectionString, _database, this, snapshots);
        Schema = new PostgresEnvironmentSchema(this, request, _database.DataSource);
        Canaries = new Canary.PostgresEnvironmentCanaries(_database.DataSource, connectionString, _database.Migrations.Redactor,
            _database.Migrations.Providers.Telemetry);
        Gates = _database.Sources(
            new PostgresPromotionHistory(async (name, ct) => _catalog.Value.Others(Environment).TryGetValue(name, out var spec)
                ? await provider.ConnectionStringOfAsync(name, spec, request, ct) : null),
            request.KeepsSnapshots ? new SnapshotCatalogSource(snapshots.Catalog) : new NoSnapshotSource(),
            _database.Rehearsals) with { Drills = Drills.Journal, CodeReviews = request.CodeReviews?.Invoke(request.Plans()) };
        _otherServices = new PostgresServiceJournals(request, provider, _database.Migrations.Redactor);
        Gates = Gates with { Requirements = new JournalRequirementSource(_otherServices.JournalOfAsync) };
    }

    public string Environment => _request.Environment;

    public string Location { get; }

    public ServicePlans Plans => _request.Plans();

    public RunnerIdentity By => _request.By;

    public MigrationService Migrations { get; }

    public ReleaseService Releases { get; }

    public GateSources Gates { get; }

    public IEnvironmentSnapshots Snapshots { get; }

    public IEnvironmentRehearsals Rehearsals { get; }

    public Sluice.Drills.IEnvironmentDrills Drills { get; }

    public IEnvironmentSchema Schema { get; }

    public IReleaseJournal ReleaseJournal => _database.Journal;

    public Sluice.Canary.Running.IEnvironmentCanaries Canaries { get; }

    public IEnvironmentReplica? Replica { get; }

    public IEnvironmentWorkload? Workload { get; }

    public IMigrationJournal Journal => _providers.Journal;

    public Sluice.Trains.ITrainJournal Trains => new PostgresTrainJournal(_database.DataSource);

    public MigrationRequest Migration(string? migrationId = null, TimeSpan? timeBudget = null)
    {
        var plans = Plans;
        return new MigrationRequest(Path.GetDirectoryName(plans.ServiceFolder)!, plans.Service, Environment, migrationId, timeBudget, By, plans);
    }

    public PromoteRequest Release(MigrationRequest migration) =>
        new(migration, _request.EffectiveSpec, _catalog.Value.Earlier(Environment, _request.EffectiveSpec), Gates, _request.SpecFile,
            _request.KeepsSnapshots ? Snapshots.Release : null);

    public async Task<IEnvironmentLease> AcquireLeaseAsync(CancellationToken cancellationToken)
    {
        if (_lease is not null) throw new InvalidOperationException($"the lease of '{Environment}' is already held by this session");
        var lease = await _database.Migrations.Providers.Leases.AcquireAsync(Environment, By, cancellationToken);
        _lease = lease;
        return new Held(this, lease);
    }

    public async ValueTask DisposeAsync()
    {
        if (_lease is { } lease)
        {
            _lease = null;
            await lease.DisposeAsync();
        }
        await _otherServices.DisposeAsync();
        await _database.DisposeAsync();
    }

    /// <summary>The lease as its taker holds it: releasing it also tells the session it is no longer held.</summary>
    private sealed class Held(PostgresEnvironmentSession session, IEnvironmentLease lease) : IEnvironmentLease
    {
        public LeaseHolder Holder => lease.Holder;

        public CancellationToken Lost => lease.Lost;

        public async ValueTask DisposeAsync()
        {
            if (!ReferenceEquals(session._lease, lease)) return;
            session._lease = null;
            await lease.DisposeAsync();
        }
    }
}
