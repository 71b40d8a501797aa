using Sluice.Canary.Definition;
using Sluice.Canary.Running;
using Sluice.Errors;
using Sluice.Migrations.Journal;

namespace Sluice.Tests.Canary;

/// <summary><see cref="CanaryResumption"/>'s table, row by row.</summary>
public sealed class CanaryResumptionRulesTests
{
    private const string Env = "production";
    private const string Plan = "0001_split_customer_name";
    private static readonly DateTimeOffset PausedAt = new(2026, 12, 1, 19, 0, 0, TimeSpan.Zero);
    private static readonly PlanPause Pause = new(Plan, "drop_full_name", PausedAt, "stopped before the canary");

    private static CanaryRecord Canary(long id, CanaryOutcome outcome, DateTimeOffset startedAt) =>
        new(id, Env, Plan, CanaryStrategy.Canary, outcome, outcome.ToString(), "ci", startedAt, null, null, null, []);

    private static CanaryResumption Decide(bool until, PlanPause? pause, CanaryRecord? underWay, CanaryRecord? latest) =>
        CanaryResumption.Decide(Env, Plan, until, pause, underWay, latest);

    [Fact]
    public void Row_1_until_canary_stops_before_it_whatever_the_journal_holds()
    {
        Assert.Equal((CanaryResumptionAction.Stop, 1), Rule(Decide(true, null, null, null)));
        Assert.Equal((CanaryResumptionAction.Stop, 1), Rule(Decide(true, Pause, Canary(3, CanaryOutcome.Running, PausedAt.AddMinutes(1)), null)));
    }

    [Fact]
    public void Row_2_a_canary_under_way_is_refused_naming_it_and_the_stages_to_run()
    {
        var decision = Decide(false, Pause, Canary(7, CanaryOutcome.Running, PausedAt.AddMinutes(1)), Canary(7, CanaryOutcome.Running, PausedAt.AddMinutes(1)));
        Assert.Equal((CanaryResumptionAction.Refuse, 2), Rule(decision));
        var error = Assert.Throws<SluiceException>(() => decision.ThrowIfRefused());
        Assert.Equal((ErrorCodes.CanaryUnderWay, ErrorKind.Usage), (error.Code, error.Kind));
        Assert.Contains("canary 7 is under way", error.Message, StringComparison.Ordinal);
        Assert.Contains("--canary-stage analyse", error.Remedy, StringComparison.Ordinal);
        Assert.Contains("--canary-stage finish", error.Remedy, StringComparison.Ordinal);
    }

    [Fact]
    public void Row_3_a_canary_promoted_after_the_pause_is_skipped()
    {
        var decision = Decide(false, Pause, null, Canary(8, CanaryOutcome.Promoted, PausedAt.AddMinutes(1)));
        Assert.Equal((CanaryResumptionAction.Skip, 3, 8L), (decision.Action, decision.Rule, decision.CanaryId!.Value));
        Assert.Same(decision, decision.ThrowIfRefused());
    }

    [Theory]
    [InlineData(CanaryOutcome.RolledBack)]
    [InlineData(CanaryOutcome.RollbackFailed)]
    public void Row_4_a_canary_failed_after_the_pause_is_refused_naming_the_rollback_to_run(CanaryOutcome outcome)
    {
        var decision = Decide(false, Pause, null, Canary(9, outcome, PausedAt.AddSeconds(5)));
        Assert.Equal((CanaryResumptionAction.Refuse, 4), Rule(decision));
        var error = Assert.Throws<SluiceException>(() => decision.ThrowIfRefused());
        Assert.Equal((ErrorCodes.PausedCanaryFailed, ErrorKind.Usage), (error.Code, error.Kind));
        Assert.Contains("canary 9", error.Message, StringComparison.Ordinal);
        Assert.Contains($"./build.sh Rollback --env {Env} --migration {Plan}", error.Remedy, StringComparison.Ordinal);
    }

    [Fact]
    public void Row_5_otherwise_the_canary_runs_in_this_process()
    {
        Assert.Equal((CanaryResumptionAction.Run, 5), Rule(Decide(false, null, null, null)));                                             // never paused
        Assert.Equal((CanaryResumptionAction.Run, 5), Rule(Decide(false, null, null, Canary(2, CanaryOutcome.Promoted, PausedAt))));      // not paused
        Assert.Equal((CanaryResumptionAction.Run, 5), Rule(Decide(false, Pause, null, null)));                                            // paused, none ran
        // A canary of an earlier attempt at the plan, before this pause, says nothing about this release.
        Assert.Equal((CanaryResumptionAction.Run, 5), Rule(Decide(false, Pause, null, Canary(1, CanaryOutcome.RolledBack, PausedAt.AddHours(-1)))));
        Assert.Equal((CanaryResumptionAction.Run, 5), Rule(Decide(false, Pause, null, Canary(1, CanaryOutcome.Promoted, PausedAt.AddHours(-1)))));
    }

    private static (CanaryResumptionAction, int) Rule(CanaryResumption decision) => (decision.Action, decision.Rule);
}
