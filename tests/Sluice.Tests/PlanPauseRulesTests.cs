using Sluice.Migrations.Journal;

namespace Sluice.Tests;

/// <summary><see cref="PlanPause"/>: a plan is paused while nothing has moved it since the pause.</summary>
public sealed class PlanPauseRulesTests
{
    private static readonly RunnerIdentity By = new("ci", "agent", null);
    private static readonly DateTimeOffset At = new(2026, 12, 1, 19, 0, 0, TimeSpan.Zero);

    private static RecordedEvent Event(long id, JournalEventKind kind, string? phase = "drop_full_name") =>
        new(id, At.AddSeconds(id), kind, "p1", phase, null, kind.ToString(), By);

    [Fact]
    public void A_pause_is_the_plans_state_until_a_phase_starts_fails_or_is_reverted()
    {
        RecordedEvent[] paused = [Event(1, JournalEventKind.PhaseDone, "read_split_name"), Event(2, JournalEventKind.PausedAtBarrier)];
        var pause = PlanPause.Of(JournalStatus.Started, paused);
        Assert.Equal(("p1", "drop_full_name"), (pause!.PlanId, pause.BeforePhase));
        Assert.Contains("paused before phase 'drop_full_name'", pause.Describe(), StringComparison.Ordinal);
        // Phases skipped as done by a later run leave it paused.
        Assert.NotNull(PlanPause.Of(JournalStatus.Started, [.. paused, Event(3, JournalEventKind.PhaseSkipped, "read_split_name")]));
        foreach (var moved in new[] { JournalEventKind.PhaseStarted, JournalEventKind.PhaseFailed, JournalEventKind.PhaseReverted, JournalEventKind.PlanReverted })
            Assert.Null(PlanPause.Of(JournalStatus.Started, [.. paused, Event(3, moved)]));
        Assert.Null(PlanPause.Of(JournalStatus.Done, paused));
        Assert.Null(PlanPause.Of(JournalStatus.Reverted, paused));
        Assert.Null(PlanPause.Of(JournalStatus.Started, paused[..1]));
    }
}
