using Npgsql;
using Sluice.Gates;
using Sluice.Postgres.Migrations;
using Sluice.Releases;
using Sluice.Secrets;

namespace Sluice.Postgres.Releases;

/// <summary>
/// The PostgreSQL providers of Gate, Approve, Promote and Rollback for one target database: the migration providers
/// plus the release journal and replication lag. Dispose it to close its pools.
/// </summary>
public sealed class PostgresReleaseDatabase : IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;

    /// <param name="redactor">The run's secrets, kept out of the journal's text; this connection's own are always kept out.</param>
    public PostgresReleaseDatabase(string connectionString, LeaseOptions? lease = null, ISecretRedactor? redactor = null)
    {
        Migrations = new PostgresMigrationDatabase(connectionString, lease, redactor: redactor);
        _dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = "sluice-release" }.ConnectionString);
        var journal = new PostgresReleaseJournal(_dataSource, Migrations.Redactor);
        Journal = journal;
        Replication = new PostgresReplicationLag(_dataSource);
        Expectations = new PostgresSchemaExpectations(_dataSource, connectionString, journal);
    }

    public PostgresMigrationDatabase Migrations { get; }

    public IReleaseJournal Journal { get; }

    public IReplicationLagSource Replication { get; }

    public ISchemaExpectations Expectations { get; }

    public ReleaseService Service(TimeProvider? timeProvider = null) => new(Migrations.Providers, Journal, timeProvider, Expectations);

    /// <summary>What gates read here; snapshot and rehearsal evidence come from their own components (none by default).</summary>
    public GateSources Sources(IPromotionHistory history, IVerifiedSnapshotSource? snapshots = null, IRehearsalEvidenceSource? rehearsals = null,
        IReplicationLagSource? replication = null) =>
        new(Migrations.Providers.Journal, Journal, replication ?? Replication, history, snapshots ?? new NoSnapshotSource(), rehearsals ?? new NoRehearsalSource(), Expectations);

    public async ValueTask DisposeAsync()
    {
        await _dataSource.DisposeAsync();
        await Migrations.DisposeAsync();
    }
}
