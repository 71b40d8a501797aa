using Sluice.Migrations.Backfill;
using Sluice.Migrations.Journal;
using Sluice.Migrations.Leases;

namespace Sluice.Migrations.Running;

/// <summary>The database side of a run, one provider per concern; Sluice.Postgres builds them for a connection string.</summary>
/// <param name="Baselines">Schema fingerprints taken before each plan, so a rollback is verified; null skips that.</param>
/// <param name="DataBaselines">Data fingerprints of the touched tables taken before each plan's first destructive
/// phase, so a rollback's data is verified too; null skips that.</param>
/// <param name="Telemetry">Where the run's metrics go and what its spans say about the database; null records no metrics.</param>
/// <param name="Checks">The service's invariants around each phase; null checks none.</param>
/// <param name="Hooks">Where phases' hook runs are journaled; null runs no hooks.</param>
public sealed record MigrationProviders(
    IMigrationJournal Journal,
    ILeaseProvider Leases,
    IPhaseExecutor Phases,
    IBackfillExecutor Backfills,
    IBackfillPressureSource Pressure,
    ISchemaBaselines? Baselines = null,
    IDataBaselines? DataBaselines = null,
    Observability.SluiceTelemetry? Telemetry = null,
    IPhaseChecks? Checks = null,
    Hooks.IHookJournal? Hooks = null)
{
    /// <summary>Where each applied phase's duration goes beside its rehearsal's prediction; null records none.</summary>
    public IPhaseDurations? PhaseDurations { get; init; }

    /// <summary>Where a backfill reads the writers' latency for the plan's <c>writer_p99_increase</c>; null: the bound
    /// is not enforced (the run says so).</summary>
    public IWriterLatencySource? WriterLatency { get; init; }

    /// <summary>How long the writers' baseline is watched and how large a judged window must be.</summary>
    public WriterLatencyOptions WriterLatencyOptions { get; init; } = WriterLatencyOptions.Default;
}
