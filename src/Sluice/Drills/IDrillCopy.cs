using Sluice.Migrations.Journal;
using Sluice.Migrations.Running;

namespace Sluice.Drills;

/// <summary>
/// A throwaway database holding a copy of the environment's database (restored from its latest verified snapshot, or
/// a template copy), with its own journal and lease: migrations and rollbacks run here as they would on the
/// environment. Dropped when the drill's <see cref="IDrillCopies"/> is disposed.
/// </summary>
public interface IDrillCopy
{
    /// <summary>Where it is, without credentials (<c>127.0.0.1:5433/sluice_eph_...</c>).</summary>
    string Location { get; }

    /// <summary>Its connection string, for the service started against it; registered as a secret.</summary>
    string ConnectionString { get; }

    /// <summary>Its streaming standby, for a scenario that needs <see cref="DrillNeeds.Replica"/>; null otherwise.</summary>
    IDrillStandby? Standby => null;

    /// <summary>Its migration journal.</summary>
    IMigrationJournal Journal { get; }

    /// <summary>Runs SQL of the drill's own (fault injection).</summary>
    Task ExecuteAsync(string sql, CancellationToken cancellationToken);

    /// <summary>The user tables and their row counts, largest first.</summary>
    Task<IReadOnlyList<DrillTable>> TablesAsync(CancellationToken cancellationToken);

    /// <summary>Runs <paramref name="planId"/>'s pending phases here, as Migrate would.</summary>
    Task<MigrationRunResult> MigrateAsync(string planId, IPhaseBarrier? barrier, IProgress<MigrationProgress>? progress, CancellationToken cancellationToken);

    /// <summary>Rolls <paramref name="planId"/> back here, as Rollback would.</summary>
    Task<MigrationRunResult> RollbackAsync(string planId, CancellationToken cancellationToken);

    /// <summary>Replaces this copy's contents with the environment's latest verified snapshot (verified equal after
    /// the restore); returns the snapshot's id.</summary>
    Task<string> RestoreLatestVerifiedSnapshotAsync(CancellationToken cancellationToken);
}

/// <summary>A user table of a copy and its rows.</summary>
public sealed record DrillTable(string Name, long Rows);

/// <summary>One drill's two copies; disposing drops both, also after a failure or Ctrl-C.</summary>
public interface IDrillCopies : IAsyncDisposable
{
    IDrillCopy Working { get; }

    IDrillCopy Reference { get; }

    /// <summary>What the copies were made from: <c>snapshot ID</c> or <c>a template copy of DB</c>.</summary>
    string Source { get; }

    /// <summary>The working copy's data against the reference's, down to the keys.</summary>
    Task<Fingerprints.DiffReport> DiffAsync(CancellationToken cancellationToken);
}
