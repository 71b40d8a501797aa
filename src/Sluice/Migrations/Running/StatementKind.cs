namespace Sluice.Migrations.Running;

/// <summary>What a top-level SQL statement acts on, as far as a plan's checks care.</summary>
public enum StatementKind
{
    /// <summary>Anything that acts inside the database the phase runs in.</summary>
    Database,

    /// <summary>Opens a transaction block: BEGIN, START TRANSACTION.</summary>
    TransactionStart,

    /// <summary>Ends a transaction block: COMMIT, END, ROLLBACK, ABORT, PREPARE TRANSACTION.</summary>
    TransactionEnd,

    /// <summary>Works inside a transaction block: SAVEPOINT, RELEASE, ROLLBACK TO, COMMIT/ROLLBACK PREPARED.</summary>
    TransactionStep,

    /// <summary>Acts on the whole cluster, beyond the phase's database: databases, roles, tablespaces, ALTER SYSTEM.</summary>
    Cluster,
}
