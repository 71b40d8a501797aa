using Sluice.Canary.Definition;

namespace Sluice.Canary.Analysis;

/// <summary>What the canary does after a measurement.</summary>
public enum CanaryAction
{
    /// <summary>Move to the next step's weight.</summary>
    Continue,

    /// <summary>Stay at this weight and measure the step again.</summary>
    HoldAndRetry,

    /// <summary>Roll back: traffic to the baseline first.</summary>
    Fail,

    /// <summary>The last step passed: the new version takes all traffic for good.</summary>
    Promote,
}

/// <param name="Rule">The row of <see cref="CanaryLimits"/>' table that decided.</param>
/// <param name="Reason">Why, with the counts and the limit, for the progress line and the report.</param>
public sealed record CanaryDecision(CanaryAction Action, int Rule, string Reason);

/// <summary>
/// The limits over the sequence of measurements, as in Argo Rollouts: a count going <em>over</em> its limit ends the
/// canary. Counts run over the whole canary (every step and every retry); errors count only while consecutive. The
/// first row that matches the latest measurement decides:
/// <list type="number">
/// <item>fail, and failures &gt; <c>failure_limit</c>: <b>Fail</b>;</item>
/// <item>fail, within the limit: <b>HoldAndRetry</b> (traffic never grows on a failing measurement);</item>
/// <item>error, and consecutive errors &gt; <c>consecutive_error_limit</c>: <b>Fail</b> (a silent source never passes);</item>
/// <item>error, within the limit: <b>HoldAndRetry</b>;</item>
/// <item>inconclusive (or marginal on the last step, which must pass outright, as in Kayenta), and inconclusive
/// measurements &gt; <c>inconclusive_limit</c>: <b>Fail</b> (no data is never a pass);</item>
/// <item>inconclusive (or marginal on the last step), within the limit: <b>HoldAndRetry</b>;</item>
/// <item>pass or marginal before the last step: <b>Continue</b>;</item>
/// <item>pass on the last step: <b>Promote</b>.</item>
/// </list>
/// Every retry is bounded by a limit, so a canary always ends.
/// </summary>
public static class CanaryLimits
{
    /// <param name="history">Every measurement so far, oldest first; the last one is being decided.</param>
    public static CanaryDecision Decide(CanaryDefinition definition, IReadOnlyList<StepAnalysis> history)
    {
        if (history.Count == 0) throw new ArgumentException("there is no measurement to decide on", nameof(history));
        var last = history[^1];
        var lastStep = definition.Steps.Count;
        bool FinalMarginal(StepAnalysis a) => a.Verdict == Verdict.Marginal && a.Step == lastStep;
        var failures = history.Count(a => a.Verdict == Verdict.Fail);
        var inconclusive = history.Count(a => a.Verdict == Verdict.Inconclusive || FinalMarginal(a));
        var consecutiveErrors = history.Reverse().TakeWhile(a => a.Verdict == Verdict.Error).Count();
        var at = $"step {last.Step} ({last.Weight} %)";

        switch (last.Verdict)
        {
            case Verdict.Fail when failures > definition.FailureLimit:
                return new(CanaryAction.Fail, 1, $"{at} failed ({failures} failure(s), failure_limit {definition.FailureLimit}): {last.Reason}");
            case Verdict.Fail:
                return new(CanaryAction.HoldAndRetry, 2, $"{at} failed ({failures} of failure_limit {definition.FailureLimit}), measuring again: {last.Reason}");
            case Verdict.Error when consecutiveErrors > definition.ConsecutiveErrorLimit:
                return new(CanaryAction.Fail, 3, $"{at}: a metric source did not answer {consecutiveErrors} times in a row (consecutive_error_limit {definition.ConsecutiveErrorLimit}): {last.Reason}");
            case Verdict.Error:
                return new(CanaryAction.HoldAndRetry, 4, $"{at}: a metric source did not answer ({consecutiveErrors} in a row of consecutive_error_limit {definition.ConsecutiveErrorLimit}), measuring again: {last.Reason}");
        }
        if (last.Verdict == Verdict.Inconclusive || FinalMarginal(last))
        {
            var why = last.Verdict == Verdict.Marginal ? "is marginal and the last step must pass" : "is inconclusive";
            return inconclusive > definition.InconclusiveLimit
                ? new(CanaryAction.Fail, 5, $"{at} {why} ({inconclusive} inconclusive measurement(s), inconclusive_limit {definition.InconclusiveLimit}); no data is never a pass: {last.Reason}")
                : new(CanaryAction.HoldAndRetry, 6, $"{at} {why} ({inconclusive} of inconclusive_limit {definition.InconclusiveLimit}), holding and measuring again: {last.Reason}");
        }
        return last.Step < lastStep
            ? new(CanaryAction.Continue, 7, $"{at} {(last.Verdict == Verdict.Pass ? "passed" : "is marginal")}, next step {definition.Steps[last.Step].Weight} %: {last.Reason}")
            : new(CanaryAction.Promote, 8, $"{at} passed, the last step: promote: {last.Reason}");
    }
}
