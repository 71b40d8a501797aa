using Sluice.Canary;
using Sluice.Canary.Analysis;
using Sluice.Canary.Definition;

namespace Sluice.Tests.Canary;

/// <summary>One test per row of the rule table in <see cref="CanaryLimits"/>; the method name starts with the row.</summary>
public sealed class CanaryLimitsRulesTests
{
    /// <summary>Three steps (5, 50, 100); one failure, one inconclusive and two errors in a row allowed.</summary>
    private static readonly CanaryDefinition Definition = new()
    {
        Steps = [new() { Weight = 5, Interval = TimeSpan.FromMinutes(1) }, new() { Weight = 50, Interval = TimeSpan.FromMinutes(1) },
                 new() { Weight = 100, Interval = TimeSpan.FromMinutes(1) }],
        FailureLimit = 1,
        InconclusiveLimit = 1,
        ConsecutiveErrorLimit = 2,
    };

    private static StepAnalysis At(int step, Verdict verdict) =>
        new(step, Definition.Steps[step - 1].Weight, new MetricWindow(DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddMinutes(1)), verdict, verdict.ToString(), []);

    private static CanaryDecision Decide(params StepAnalysis[] history) => CanaryLimits.Decide(Definition, history);

    [Fact]
    public void L1_a_failure_over_failure_limit_fails_the_canary()
    {
        var decision = Decide(At(1, Verdict.Fail), At(1, Verdict.Fail));
        Assert.Equal((CanaryAction.Fail, 1), (decision.Action, decision.Rule));
        Assert.Contains("failure_limit 1", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void L2_a_failure_within_failure_limit_holds_the_weight_and_measures_again()
    {
        var decision = Decide(At(1, Verdict.Pass), At(2, Verdict.Fail));
        Assert.Equal((CanaryAction.HoldAndRetry, 2), (decision.Action, decision.Rule));
    }

    [Fact]
    public void L3_errors_in_a_row_over_consecutive_error_limit_fail_the_canary_never_pass_it()
    {
        var decision = Decide(At(1, Verdict.Error), At(1, Verdict.Error), At(1, Verdict.Error));
        Assert.Equal((CanaryAction.Fail, 3), (decision.Action, decision.Rule));
        Assert.Contains("3 times in a row", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void L4_errors_count_only_while_consecutive()
    {
        // Three errors in all, but a pass between them resets the run.
        var decision = Decide(At(1, Verdict.Error), At(1, Verdict.Error), At(1, Verdict.Pass), At(2, Verdict.Error));
        Assert.Equal((CanaryAction.HoldAndRetry, 4), (decision.Action, decision.Rule));
    }

    [Fact]
    public void L5_inconclusive_over_inconclusive_limit_fails_no_data_is_never_a_pass()
    {
        var decision = Decide(At(1, Verdict.Inconclusive), At(1, Verdict.Pass), At(2, Verdict.Inconclusive));
        Assert.Equal((CanaryAction.Fail, 5), (decision.Action, decision.Rule));
        Assert.Contains("no data is never a pass", decision.Reason, StringComparison.Ordinal);

        // A marginal last step must pass outright: it counts as inconclusive.
        var finalMarginal = Decide(At(1, Verdict.Pass), At(2, Verdict.Pass), At(3, Verdict.Inconclusive), At(3, Verdict.Marginal));
        Assert.Equal((CanaryAction.Fail, 5), (finalMarginal.Action, finalMarginal.Rule));
    }

    [Fact]
    public void L6_inconclusive_within_the_limit_holds_and_measures_again_never_fails_or_promotes()
    {
        Assert.Equal((CanaryAction.HoldAndRetry, 6), Pair(Decide(At(1, Verdict.Inconclusive))));
        Assert.Equal((CanaryAction.HoldAndRetry, 6), Pair(Decide(At(1, Verdict.Pass), At(2, Verdict.Pass), At(3, Verdict.Marginal))));
        Assert.Equal((CanaryAction.HoldAndRetry, 6), Pair(Decide(At(1, Verdict.Pass), At(2, Verdict.Pass), At(3, Verdict.Inconclusive))));
    }

    [Fact]
    public void L7_pass_or_marginal_before_the_last_step_continues()
    {
        Assert.Equal((CanaryAction.Continue, 7), Pair(Decide(At(1, Verdict.Pass))));
        var marginal = Decide(At(1, Verdict.Pass), At(2, Verdict.Marginal));
        Assert.Equal((CanaryAction.Continue, 7), Pair(marginal));
        Assert.Contains("next step 100 %", marginal.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void L8_a_pass_on_the_last_step_promotes()
    {
        Assert.Equal((CanaryAction.Promote, 8), Pair(Decide(At(1, Verdict.Pass), At(2, Verdict.Fail), At(2, Verdict.Pass), At(3, Verdict.Pass))));
    }

    [Fact]
    public void Every_sequence_ends_within_the_sum_of_the_limits_plus_the_steps()
    {
        // A source that never answers, a service that never gets traffic, a canary that always fails: each ends.
        foreach (var verdict in new[] { Verdict.Error, Verdict.Inconclusive, Verdict.Fail })
        {
            var history = new List<StepAnalysis>();
            CanaryDecision decision;
            do
            {
                history.Add(At(1, verdict));
                decision = CanaryLimits.Decide(Definition, history);
            } while (decision.Action == CanaryAction.HoldAndRetry);
            Assert.Equal(CanaryAction.Fail, decision.Action);
            Assert.True(history.Count <= 3, $"{verdict}: {history.Count} measurements");
        }
    }

    private static (CanaryAction, int) Pair(CanaryDecision d) => (d.Action, d.Rule);
}
