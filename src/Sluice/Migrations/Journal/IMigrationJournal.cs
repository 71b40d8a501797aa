using Sluice.Migrations.Plans;

namespace Sluice.Migrations.Journal;

/// <summary>The journal of one target database: plans, phases, events. Created and upgraded by Sluice itself.</summary>
public interface IMigrationJournal
{
    /// <summary>Creates the journal or upgrades it to this Sluice's version; a no-op when current.</summary>
    Task EnsureAsync(CancellationToken cancellationToken);

    Task<PlanRecord?> FindPlanAsync(string planId, CancellationToken cancellationToken);

    /// <summary>Records the plan with its hash the first time it runs; a no-op afterwards.</summary>
    Task RecordPlanAsync(MigrationPlan plan, RunnerIdentity by, CancellationToken cancellationToken);

    Task<IReadOnlyList<PhaseRecord>> ReadPhasesAsync(string planId, CancellationToken cancellationToken);

    Task MarkPhaseFailedAsync(MigrationPlan plan, MigrationPhase phase, int attempts, string error, RunnerIdentity by, CancellationToken cancellationToken);

    Task SetPlanStatusAsync(string planId, JournalStatus status, CancellationToken cancellationToken);

    /// <summary>Appends an event in its own transaction, so it survives the failure it describes.</summary>
    Task RecordEventAsync(JournalEvent journalEvent, CancellationToken cancellationToken);

    /// <summary>Every recorded plan with its phases, checkpoints and last <paramref name="eventsPerPlan"/> events.</summary>
    Task<IReadOnlyList<PlanJournal>> ReadAllAsync(int eventsPerPlan, CancellationToken cancellationToken);

    /// <summary>Events of one plan (or of no plan, for lease events, when null), oldest first.</summary>
    Task<IReadOnlyList<RecordedEvent>> ReadEventsAsync(string? planId, CancellationToken cancellationToken);
}
