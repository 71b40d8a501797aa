namespace Sluice.Migrations.Journal;

/// <summary>
/// A plan a run stopped on purpose (<see cref="JournalEventKind.PausedAtBarrier"/>, e.g. <c>Promote --until-canary</c>)
/// and nothing has moved since: the plan is neither done nor reverted, and no phase started, failed or was reverted
/// after the pause (phases skipped as done, lease events and the canary's own rows do not count). The lease is free
/// while a plan is paused, so this is how the next process, and Status, know where it stands.
/// </summary>
/// <param name="BeforePhase">The phase the run stopped before; null when it stopped before the plan's end.</param>
public sealed record PlanPause(string PlanId, string? BeforePhase, DateTimeOffset At, string Reason)
{
    /// <param name="events">The plan's events, in any order.</param>
    public static PlanPause? Of(JournalStatus planStatus, IEnumerable<RecordedEvent> events)
    {
        if (planStatus is JournalStatus.Done or JournalStatus.Reverted) return null;
        var last = events.Where(e => e.Kind is JournalEventKind.PausedAtBarrier or JournalEventKind.PhaseStarted or JournalEventKind.PhaseFailed
                or JournalEventKind.PhaseReverted or JournalEventKind.PlanReverted)
            .MaxBy(e => e.Id);
        return last is { Kind: JournalEventKind.PausedAtBarrier, PlanId: { } plan } ? new PlanPause(plan, last.Phase, last.At, last.Message) : null;
    }

    /// <summary>The plan's pause as the journal has it now; null when it is not paused.</summary>
    public static async Task<PlanPause?> ReadAsync(IMigrationJournal journal, string planId, CancellationToken cancellationToken) =>
        await journal.FindPlanAsync(planId, cancellationToken) is { } plan ? Of(plan.Status, await journal.ReadEventsAsync(planId, cancellationToken)) : null;

    /// <summary>How Status says it.</summary>
    public string Describe() => $"paused {(BeforePhase is { } phase ? $"before phase '{phase}'" : "before the plan's end")} since {At:u}: {Reason}";
}
