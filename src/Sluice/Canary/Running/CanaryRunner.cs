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
/// <para>Run in stages (<see cref="RunStageAsync"/>), each by its own process, a stage continues the environment's
/// canary under way from the journal: after its last measurement, at the next step when it continued, at the same one
/// when it held; a re-run after a crash measures the step it was in again, with the counts of the limits kept.</para>
/// <list type="table">
/// <listheader><term>stage</term><description>what it does</description></listheader>
/// <item><term>1 prepare</term><description>no canary under way: journals one, traffic on the baseline; one under way:
/// continues it (nothing new)</description></item>
/// <item><term>2 route</term><description>measures the steps before the last; stops when the next is the last</description></item>
/// <item><term>3 analyse</term><description>measures whatever remains up to the canary's decision; promote leaves the
/// last step's weight in place for finish, fail is outcome 2</description></item>
/// <item><term>4 finish</term><description>decided promoted: all traffic to the new version, journaled promoted;
/// anything else under way (a stage failed, crashed or never ran): traffic back on the baseline, journaled rolled back
/// saying where it stopped; nothing under way: nothing to do</description></item>
/// <item><term>5 route, analyse without a canary under way</term><description>SLU190: run prepare first, nothing moves</description></item>
/// </list>
/// A failure in any stage is outcome 2, 3 or 4: traffic back on the baseline and journaled.
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
        var result = await MeasureAsync(id, context, [], untilLast: false, progress, cancellationToken);
        return await PromoteAsync(id, context, result.Measurements, cancellationToken);
    }

    /// <summary>One stage of the environment's canary (see the table above); the result's outcome is
    /// <see cref="CanaryOutcome.Running"/> while stages remain.</summary>
    public async Task<CanaryResult> RunStageAsync(CanaryStage stage, CanaryContext context, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        await journal.EnsureAsync(cancellationToken);
        var underWay = await journal.FindUnderWayAsync(context.Environment, cancellationToken);
        Id = underWay?.Id;
        switch (stage)
        {
            case CanaryStage.Prepare when underWay is null:                                                                  // 1
                await router.RouteAsync(TrafficSplit.AllBaseline, cancellationToken);
                Id = await journal.StartAsync(context, definition.Strategy, _time.GetUtcNow(), cancellationToken);
                return new CanaryResult(Id.Value, CanaryOutcome.Running, $"canary {Id} prepared on '{context.Environment}': traffic on v{definition.Versions.Baseline}", []);
            case CanaryStage.Prepare:                                                                                        // 1
                return new CanaryResult(underWay!.Id, CanaryOutcome.Running,
                    $"canary {underWay.Id} is under way on '{context.Environment}' ({underWay.Measurements.Count} measurement(s)): continuing it", []);
            case CanaryStage.Route or CanaryStage.Analyse when underWay is null:                                             // 5
                throw SluiceException.Usage(ErrorCodes.CanaryNotPrepared,
                    $"no canary is under way on '{context.Environment}': stage '{stage.ToString().ToLowerInvariant()}' continues one",
                    $"run ./build.sh Canary --env {context.Environment} --canary-stage prepare first");
            case CanaryStage.Route or CanaryStage.Analyse:                                                                   // 2, 3
                var result = await MeasureAsync(underWay!.Id, context, underWay.Measurements, untilLast: stage == CanaryStage.Route, progress, cancellationToken);
                return result with { Summary = stage == CanaryStage.Route
                    ? $"canary {underWay.Id}: every step before the last measured; analyse next"
                    : $"canary {underWay.Id} decided: promote; finish switches all traffic to v{definition.Versions.Canary}" };
            case CanaryStage.Finish when underWay is null:                                                                   // 4
                return new CanaryResult(0, CanaryOutcome.Running, $"no canary under way on '{context.Environment}': nothing to finish", []);
            case CanaryStage.Finish when underWay!.Measurements is [.., { Decision.Action: CanaryAction.Promote }]:            // 4
                return await PromoteAsync(underWay.Id, context, underWay.Measurements, cancellationToken);
            default:                                                                                                         // 4
                var where = underWay!.Measurements is [.., var last] ? $"step {last.Analysis.Step} after measurement {underWay.Measurements.Count}" : "before its first step";
                var reason = await BackToBaselineAsync(underWay.Id, $"the canary did not complete: it stopped at {where}", null);
                return new CanaryResult(underWay.Id, CanaryOutcome.RolledBack, $"canary {underWay.Id} on '{context.Environment}' rolled back: {reason}", underWay.Measurements);
        }
    }

    private async Task<CanaryResult> PromoteAsync(long id, CanaryContext context, IReadOnlyList<CanaryMeasurement> measurements, CancellationToken cancellationToken)
    {
        await router.RouteAsync(TrafficSplit.AllCanary, cancellationToken);
        await journal.FinishAsync(id, CanaryOutcome.Promoted, measurements[^1].Decision.Reason, _time.GetUtcNow(), null, cancellationToken);
        return new CanaryResult(id, CanaryOutcome.Promoted,
            $"canary promoted on '{context.Environment}' after {measurements.Count} measurement(s): v{definition.Versions.Canary} takes all traffic", measurements);
    }

    /// <summary>Measures from where <paramref name="earlier"/> left the canary until it decides to promote (or, with
    /// <paramref name="untilLast"/>, until the next step is the last); a decision to fail is outcome 2.</summary>
    private async Task<CanaryResult> MeasureAsync(long id, CanaryContext context, IReadOnlyList<CanaryMeasurement> earlier, bool untilLast,
        IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var history = earlier.Select(m => m.Analysis).ToList();
        var measurements = earlier.ToList();
        var step = earlier is [.., var last] ? (last.Decision.Action == CanaryAction.Continue ? last.Analysis.Step + 1 : last.Analysis.Step) : 1;
        try
        {
            while (measurements is not [.., { Decision.Action: CanaryAction.Promote }] && !(untilLast && step == definition.Steps.Count))
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
                if (decision.Action == CanaryAction.Continue) step++;
            }
            return new CanaryResult(id, CanaryOutcome.Running, "", measurements);
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
