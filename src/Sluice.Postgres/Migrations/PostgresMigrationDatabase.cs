using Npgsql;
using Sluice.Migrations.Backfill;
using Sluice.Migrations.Running;
using Sluice.Observability;
using Sluice.Observability.Tracing;
using Sluice.Postgres.Secrets;
using Sluice.Secrets;

namespace Sluice.Postgres.Migrations;

/// <summary>
/// The PostgreSQL providers of a migration run for one target database (journal, lease, phases, backfills, pressure,
/// schema and data baselines, the writers' latency), sharing one connection pool. Dispose it to close the pool.
/// </summary>
public sealed class PostgresMigrationDatabase : IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly NpgsqlDataSource _leaseSessions;
    private readonly SluiceInstruments _instruments = new();

    /// <param name="connectionString">The target database (a secret).</param>
    /// <param name="lease">Lease time to live and heartbeat; defaults 60 s and 20 s.</param>
    /// <param name="pressure">Where backfills read lag and lock waits; default the database's own statistics views.</param>
    /// <param name="redactor">The run's secrets, kept out of the journal's text; this connection's own are always kept out.</param>
    public PostgresMigrationDatabase(string connectionString, LeaseOptions? lease = null, IBackfillPressureSource? pressure = null,
        ISecretRedactor? redactor = null)
    {
        Redactor = ConnectionSecrets.Redactor(connectionString, redactor);
        _dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = "sluice" }.ConnectionString);
        // The lease's session lives in the maintenance database, so that replacing this one keeps the lease (PostgresLeaseProvider).
        _leaseSessions = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString)
            { Database = MaintenanceDatabase, ApplicationName = "sluice-lease", Pooling = false }.ConnectionString);
        Providers = new MigrationProviders(
            new PostgresMigrationJournal(_dataSource, Redactor),
            new PostgresLeaseProvider(_dataSource, _leaseSessions, lease),
            new PostgresPhaseExecutor(_dataSource),
            new PostgresBackfillExecutor(_dataSource),
            pressure ?? new PostgresBackfillPressure(_dataSource),
            new PostgresSchemaBaselines(_dataSource),
            new PostgresDataBaselines(_dataSource),
            new SluiceTelemetry(_instruments, Traced(connectionString)),
            new Sluice.Migrations.Invariants.InvariantChecks(new PostgresInvariantStore(_dataSource)),
            new PostgresHookJournal(_dataSource, Redactor))
        { PhaseDurations = new PostgresPhaseDurations(_dataSource), WriterLatency = new PostgresWriterLatency(_dataSource) };
    }

    /// <summary>Where leases hold their advisory locks: the database every PostgreSQL server has.</summary>
    internal const string MaintenanceDatabase = "postgres";

    public MigrationProviders Providers { get; }

    /// <summary>The one pool every provider of this database shares (the lease keeps its own unpooled connection).</summary>
    internal NpgsqlDataSource DataSource => _dataSource;

    /// <summary>What the journal's text passes through: this connection's secrets, then the run's.</summary>
    public ISecretRedactor Redactor { get; }

    /// <summary>The plain API of the Migrate and Status targets over this database.</summary>
    public MigrationService Service(TimeProvider? timeProvider = null) => new(Providers, timeProvider);

    /// <summary>The default pressure source of a connection string, for wrapping (a test adds simulated lag to it).</summary>
    public IBackfillPressureSource DatabasePressure => new PostgresBackfillPressure(_dataSource);

    /// <summary>What spans say about this database: PostgreSQL, and its name (<c>db.namespace</c>), never its address.</summary>
    public static TracedDatabase Traced(string connectionString) =>
        new("postgresql", new NpgsqlConnectionStringBuilder(connectionString).Database ?? "postgres");

    public async ValueTask DisposeAsync()
    {
        _instruments.Dispose();
        await _leaseSessions.DisposeAsync();
        await _dataSource.DisposeAsync();
    }
}
