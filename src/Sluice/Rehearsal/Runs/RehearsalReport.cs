namespace Sluice.Rehearsal.Runs;

/// <summary>A lock a phase held on a table, and for how long.</summary>
/// <param name="Mode">PostgreSQL's lock mode (<c>AccessExclusiveLock</c>, <c>ShareLock</c>, ...).</param>
/// <param name="Held">How long it was held (to the commit for a transactional phase).</param>
public sealed record LockHeld(string Table, string Mode, TimeSpan Held)
{
    /// <summary>Modes that make INSERT, UPDATE and DELETE wait.</summary>
    public static readonly IReadOnlySet<string> BlockingWriters = new HashSet<string>(StringComparer.Ordinal)
        { "ShareLock", "ShareRowExclusiveLock", "ExclusiveLock", "AccessExclusiveLock" };

    public bool BlocksWriters => BlockingWriters.Contains(Mode);
}

/// <summary>What one phase did on the synthetic data.</summary>
/// <param name="Duration">The forward run on synthetic data.</param>
/// <param name="PredictedDuration">Extrapolated to the profile's size, each piece of work by the rows of the tables it
/// touched (<see cref="Predictions.DurationPredictor"/>).</param>
/// <param name="RewrittenTables">Tables whose storage (<c>relfilenode</c>) changed: rewritten in full.</param>
/// <param name="WorkloadBlocked">How long the synthetic workload waited on a lock during the phase (sampled).</param>
/// <param name="Verified">The verify's outcome, or null without one.</param>
/// <param name="Idempotent">Re-applying changed nothing.</param>
/// <param name="Reversible">Its down restored the state before its up (null for a backfill, which has no down, or when not reached).</param>
/// <param name="ForwardAgain">It ran forward again after the rollback (false for a phase the rollback stopped at or before).</param>
public sealed record PhaseRehearsal(
    string Plan,
    string Phase,
    string Kind,
    TimeSpan Duration,
    TimeSpan PredictedDuration,
    IReadOnlyList<LockHeld> Locks,
    IReadOnlyList<string> RewrittenTables,
    TimeSpan WorkloadBlocked,
    bool? Verified,
    bool? Idempotent,
    bool? Reversible,
    bool ForwardAgain = false)
{
    /// <summary>How each piece of the phase's work was scaled to make <see cref="PredictedDuration"/>.</summary>
    public IReadOnlyList<string> PredictionBasis { get; init; } = [];
}

/// <summary>A whole rehearsal: the evidence a gate reads and the report a person reads.</summary>
/// <param name="Plans">Plan id and hash of each rehearsed plan.</param>
/// <param name="Scale">Synthetic rows relative to the profile (durations are divided by it).</param>
/// <param name="Seeds">The seed of each workload the plans were rehearsed under, in order; one of them replays it.</param>
public sealed record RehearsalReport(
    string Service,
    string Environment,
    IReadOnlyList<PlanHash> Plans,
    DateTimeOffset StartedAt,
    TimeSpan Elapsed,
    long SyntheticRows,
    double Scale,
    IReadOnlyList<PhaseRehearsal> Phases,
    IReadOnlyList<RehearsalFinding> Findings,
    IReadOnlyList<int>? Seeds = null)
{
    public bool Passed => Findings.All(f => f.Severity != FindingSeverity.Error);

    /// <summary>How the profile's top statements planned on the synthetic data against production (null without a statement mix).</summary>
    public Traffic.PlannerFidelity? Fidelity { get; init; }

    /// <summary>Why the profile has no statement mix (pg_stat_statements missing or unreadable where it was taken); the
    /// report says so instead of a fidelity figure.</summary>
    public string? StatementMixMissing { get; init; }

    /// <summary>The profile's statement mix as replayed beside the phases: achieved against recorded rate per statement.</summary>
    public IReadOnlyList<Traffic.ReplayRate> Replay { get; init; } = [];

    /// <summary>Each bound of the plans' <c>slo:</c> judged per phase at production size (the first run's; a breach
    /// in any run is also an error finding).</summary>
    public IReadOnlyList<Slo.RehearsalSloCheck> Slos { get; init; } = [];

    /// <summary>The snapshot the data was restored from (<c>Rehearse --from-snapshot</c>); null for synthetic data.</summary>
    public FromSnapshot.RehearsalSnapshot? Snapshot { get; init; }
}

public sealed record PlanHash(string Id, string Hash);
