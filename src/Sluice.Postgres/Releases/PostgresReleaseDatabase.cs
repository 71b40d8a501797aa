using Npgsql;
using Sluice.Gates;
using Sluice.Postgres.Migrations;
using Sluice.Postgres.Rehearsal;
using Sluice.Releases;
using Sluice.Secrets;

namespace Sluice.Postgres.Releases;

/// <summary>
/// The PostgreSQL providers of Gate, Approve, Promote and Rollback for one target database: the migration providers
/// plus the release journal and replication lag, all on the migration providers' one pool. Dispose it to close it.
/// </summary>
public sealed class PostgresReleaseDatabase : IAsyncDisposable
{
    /// <param name="redactor">The run's secrets, kept out of the journal's text; this connection's own are always kept out.</param>
    public PostgresReleaseDatabase(string connectionString, LeaseOptions? lease = null, ISecretRedactor? redactor = null)
    {
        Migrations = new PostgresMigrationDatabase(connectionString, lease, redactor: redactor);
        var pool = Migrations.DataSource;
        var journal = new PostgresReleaseJournal(pool, Migrations.Redactor);
        Journal = journal;
        Replication = new PostgresReplicationLag(pool);
        Expectations = new PostgresSchemaExpectations(pool, journal);
        Rehearsals = new PostgresRehearsalEvidenceSource(pool);
    }

    public PostgresMigrationDatabase Migrations { get; }

    public IReleaseJournal Journal { get; }

    public IReplicationLagSource Replication { get; }

    public ISchemaExpectations Expectations { get; }

    /// <summary>The rehearsal gate's evidence, recorded in this database.</summary>
    public IRehearsalEvidenceSource Rehearsals { get; }

    /// <summary>The pool, for the rest of the environment's session (rehearsal evidence).</summary>
    internal NpgsqlDataSource DataSource => Migrations.DataSource;

    public ReleaseService Service(TimeProvider? timeProvider = null) => new(Migrations.Providers, Journal, timeProvider, Expectations);

    /// <summary>What gates read here; snapshot and rehearsal evidence come from their own components (none by default).</summary>
    public GateSources Sources(IPromotionHistory history, IVerifiedSnapshotSource? snapshots = null, IRehearsalEvidenceSource? rehearsals = null,
        IReplicationLagSource? replication = null) =>
        new(Migrations.Providers.Journal, Journal, replication ?? Replication, history, snapshots ?? new NoSnapshotSource(), rehearsals ?? new NoRehearsalSource(), Expectations);

    public ValueTask DisposeAsync() => Migrations.DisposeAsync();
}
