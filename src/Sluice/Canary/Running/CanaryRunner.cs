using Sluice.Canary.Analysis;
using Sluice.Canary.Definition;
using Sluice.Errors;

namespace Sluice.Canary.Running;

/// <summary>How a canary that did not fail ended.</summary>
public sealed record CanaryResult(long Id, CanaryOutcome Outcome, string Summary, IReadOnlyList<CanaryMeasurement> Measurements);

/// <summary>
/// Runs one canary's steps: sets each step's weight, waits its interval, measures the window (<see cref="CanaryAnalyzer"/>)
/// and lets <see cref="CanaryLimits"/> decide, journaling every measurement with the numbers behind it. The outcome:
/// <list type="number">
/// <item>the last step passes: all traffic stays on the new version (for blue/green, the switch), journaled promoted;</item>
/// <item>a decision to fail: traffic goes back to the baseline <em>first</em>, at once after the verdict, then the
/// canary is journaled and SLU187 is thrown (Promote then rolls the plan back: the flag off, the phases the version
/// needed reverted by their downs, the schema compared with its fingerprint from before the plan);</item>
/// <item>anything else fails under way (the router, the journal): as 2, the message naming what failed;</item>
/// <item>the run is cancelled: traffic goes back to the baseline, the canary is journaled rolled back, the cancellation
/// propagates.</item>
/// </list>
/// The route back is never refused: the canary runs before the contract, so the baseline still runs on the schema.
/// </summary>
public sealed class CanaryRunner(CanaryDefinition definition, ITrafficRouter router, CanaryAnalyzer analyzer, ICanaryJournal journal,
    TimeProvider? timeProvider = null)
{
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;

    /// <summary>The id of the canary under way or last run, for recording how the rollback after it went.</summary>
    public long? Id { get; private set; }

    public async Task<CanaryResult> RunAsync(CanaryContext context, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        await journal.EnsureAsync(cancellationToken);
        var id = await journal.StartAsync(context, definition.Strategy, _time.GetUtcNow(), cancellationToken);
        Id = id;
        var history = new List<StepAnalysis>();
        var measurements = new List<CanaryMeasurement>();
        var step = 1;
        try
        {
            while (true)
            {
                var weight = definition.Steps[step - 1].Weight;
                await router.RouteAsync(new TrafficSplit(weight), cancellationToken);
                var start = _time.GetUtcNow();
                await Task.Delay(definition.Steps[step - 1].Interval, _time, cancellationToken);
                var analysis = await analyzer.AnalyzeAsync(definition, step, new MetricWindow(start, _time.GetUtcNow()), cancellationToken);
                history.Add(analysis);
                var decision = CanaryLimits.Decide(definition, history);
                if (decision.Action == CanaryAction.Fail)
                {
                    // Traffic first: the journal and the report can wait, the users cannot.
                    var decided = _time.GetTimestamp();
                    await router.RouteAsync(TrafficSplit.AllBaseline, CancellationToken.None);
                    var back = _time.GetElapsedTime(decided);
                    var failed = new CanaryMeasurement(analysis, decision);
                    await journal.RecordMeasurementAsync(id, failed, CancellationToken.None);
                    progress?.Report(CanaryProgressLine.Format(definition, failed));
                    var reason = $"{decision.Reason}; traffic back on the baseline in {back.TotalMilliseconds:0} ms";
                    await journal.FinishAsync(id, CanaryOutcome.RolledBack, reason, _time.GetUtcNow(), back, CancellationToken.None);
                    throw Failed(context, reason, null);
                }
                var measurement = new CanaryMeasurement(analysis, decision);
                measurements.Add(measurement);
                await journal.RecordMeasurementAsync(id, measurement, cancellationToken);
                progress?.Report(CanaryProgressLine.Format(definition, measurement));
                if (decision.Action == CanaryAction.Promote)
                {
                    await router.RouteAsync(TrafficSplit.AllCanary, cancellationToken);
                    await journal.FinishAsync(id, CanaryOutcome.Promoted, decision.Reason, _time.GetUtcNow(), null, cancellationToken);
                    return new CanaryResult(id, CanaryOutcome.Promoted,
                        $"canary promoted on '{context.Environment}' after {history.Count} measurement(s): v{definition.Versions.Canary} takes all traffic", measurements);
                }
                if (decision.Action == CanaryAction.Continue) step++;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await BackToBaselineAsync(id, "the run was cancelled", null);
            throw;
        }
        catch (Exception e) when (e is not OperationCanceledException && e is not SluiceException { Code: ErrorCodes.CanaryFailed })
        {
            // The router, a source or the journal failed under way: whatever the weights are now, put them back.
            var reason = await BackToBaselineAsync(id, $"at step {step}: {e.Message}", e);
            throw Failed(context, reason, e);
        }
    }

    private async Task<string> BackToBaselineAsync(long id, string why, Exception? failure)
    {
        var started = _time.GetTimestamp();
        string reason;
        try
        {
            await router.RouteAsync(TrafficSplit.AllBaseline, CancellationToken.None);
            reason = $"{why}; traffic back on the baseline in {_time.GetElapsedTime(started).TotalMilliseconds:0} ms";
        }
        catch (SluiceException e)
        {
            reason = $"{why}; putting traffic back on the baseline failed too: {e.Message}";
        }
        try
        {
            await journal.FinishAsync(id, CanaryOutcome.RolledBack, reason, _time.GetUtcNow(), _time.GetElapsedTime(started), CancellationToken.None);
        }
        catch (Exception) when (failure is not null)
        {
            // The journal is what failed: the original failure is the one to report.
        }
        return reason;
    }

    private SluiceException Failed(CanaryContext context, string reason, Exception? inner) =>
        new(ErrorKind.Failure, ErrorCodes.CanaryFailed, $"canary on '{context.Environment}' failed: {reason}",
            $"see the canary's report (./build.sh Status --env {context.Environment}); fix v{definition.Versions.Canary} and promote again", inner: inner);
}
