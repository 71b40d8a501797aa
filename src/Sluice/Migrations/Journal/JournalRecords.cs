using Sluice.Migrations.Backfill;
using Sluice.Migrations.Plans;

namespace Sluice.Migrations.Journal;

/// <summary>Where a plan or a phase stands in the journal.</summary>
public enum JournalStatus
{
    Pending,
    /// <summary>Started and not finished: a running phase, a non-transactional phase interrupted, or a backfill part way.</summary>
    Started,
    Done,
    Failed,
    /// <summary>Undone by its <c>down</c> (or, for a backfill, its checkpoint reset); the next Migrate applies it again.</summary>
    Reverted,
}

/// <summary>A plan as the journal recorded it.</summary>
public sealed record PlanRecord(string PlanId, string Hash, JournalStatus Status, DateTimeOffset FirstSeenAt, DateTimeOffset UpdatedAt);

/// <summary>A phase as the journal recorded it.</summary>
public sealed record PhaseRecord(
    string PlanId,
    string Phase,
    PhaseKind Kind,
    JournalStatus Status,
    int Attempts,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    RunnerIdentity? RunBy,
    string? LastError)
{
    public TimeSpan? Duration => StartedAt is { } s && FinishedAt is { } f ? f - s : null;
}

/// <summary>The kinds of journal events.</summary>
public enum JournalEventKind
{
    PlanRecorded,
    PhaseStarted,
    Attempt,
    Retry,
    PhaseDone,
    PhaseSkipped,
    PhaseFailed,
    Verified,
    VerifyFailed,
    FlagChanged,
    BackfillThrottled,
    BackfillPaused,
    BackfillDone,
    PhaseReverted,
    PlanReverted,
    RollbackVerified,
    RollbackUnverified,
    RollbackDiffers,
    LeaseAcquired,
    LeaseTakenOver,
    LeaseReleased,
    LeaseLost,
    /// <summary>Ctrl-C or SIGTERM stopped the run inside a phase.</summary>
    Cancelled,
    DataBaselineTaken,
    /// <summary>A Rollback is about to revert a plan's phases: until a verdict (RollbackVerified, RollbackUnverified,
    /// RollbackDiffers) follows it, the rollback has not ended, and the next Rollback finishes it.</summary>
    RollbackStarted,
    /// <summary>A barrier stopped the run on purpose before the phase it names (none: before the plan's end), e.g.
    /// <c>Promote --until-canary</c> before the canary; a later run continues from there (<see cref="PlanPause"/>).</summary>
    PausedAtBarrier,
    /// <summary>A bound of the plan's <c>slo:</c> was not enforced on a phase (<c>writer_p99_increase</c> without
    /// <c>pg_stat_statements</c>, or too few writes to judge); the message says why and what would let it.</summary>
    SloNotEnforced,
}

/// <summary>One line of the journal's event log: every attempt, retry, failure and lease change.</summary>
public sealed record JournalEvent(
    JournalEventKind Kind,
    string? PlanId,
    string? Phase,
    string Message,
    RunnerIdentity By,
    int? Attempt = null,
    DateTimeOffset? At = null,
    long? Id = null);

/// <summary>A journal event as read back (with its time and id).</summary>
public sealed record RecordedEvent(long Id, DateTimeOffset At, JournalEventKind Kind, string? PlanId, string? Phase, int? Attempt, string Message, RunnerIdentity By);

/// <summary>What the journal knows about one plan: its row, its phases, checkpoints and latest events.</summary>
public sealed record PlanJournal(PlanRecord Plan, IReadOnlyList<PhaseRecord> Phases, IReadOnlyList<BackfillCheckpoint> Checkpoints, IReadOnlyList<RecordedEvent> LastEvents);
