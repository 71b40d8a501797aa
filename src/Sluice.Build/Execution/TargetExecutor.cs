using System.Diagnostics;

namespace Sluice.Build;

/// <summary>Runs a plan: rows E1 to E11 of <see cref="ExecutionPlanner"/>.</summary>
internal sealed class TargetExecutor(IBuildHost host, TimeProvider? time = null, IExceptionTranslator? translator = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>How long a target that ignores its cancelled token is waited for before it is abandoned.</summary>
    public TimeSpan CancellationGrace { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The token assured targets get once the run was cancelled, so cleanup is itself bounded.</summary>
    public TimeSpan AssuredTimeoutAfterCancel { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The CI run the targets' spans name; null outside a build run (tests of the executor).</summary>
    public BuildActivities.CiRun? Ci { get; init; }

    /// <param name="leases">Takes the environment lease before the first <c>.Environment()</c> target; null when nothing does.</param>
    /// <param name="environment">The selected environment, passed to the lease provider.</param>
    public async Task<BuildOutcome> RunAsync(ExecutionPlan plan, CancellationToken cancellationToken,
        IEnvironmentLeaseProvider? leases = null, string environment = "local")
    {
        var started = Stopwatch.StartNew();
        var results = new Dictionary<string, TargetResult>(StringComparer.Ordinal);
        var ordered = new List<TargetResult>();
        var stopped = false; // E2: a failure without ProceedAfterFailure, or Ctrl-C
        BuildException? decisive = null;
        IAsyncDisposable? lease = null;

        try
        {
            foreach (var planned in plan.Targets)
            {
                var target = planned.Target;
                var result = await DecideAndRunAsync(planned, results, stopped, cancellationToken, async ct =>
                {
                    if (target.ActsOnEnvironment && lease is null && leases is not null)
                        lease = await leases.AcquireEnvironmentLeaseAsync(environment, target.Name, ct);
                });
                results[target.Name] = result;
                ordered.Add(result);

                if (result.Error is BuildException { ExitCode: not ExitCode.Incomplete } be && decisive is null) decisive = be;
                if (result.Status is TargetStatus.Failed or TargetStatus.TimedOut or TargetStatus.Incomplete && !target.IsProceedAfterFailure)
                    stopped = true;
                if (result.Status == TargetStatus.Cancelled || cancellationToken.IsCancellationRequested) stopped = true;
            }
        }
        finally
        {
            if (lease is not null) await lease.DisposeAsync();
        }

        var exitCode = ExitCodeOf(ordered, decisive);
        return new BuildOutcome(ordered, exitCode, started.Elapsed);
    }

    private static ExitCode ExitCodeOf(IReadOnlyList<TargetResult> results, BuildException? decisive)
    {
        if (results.Any(r => r.IsFailure))
            return decisive?.ExitCode is { } code && code != ExitCode.Success ? code : ExitCode.TargetFailed;
        if (results.Any(r => r.Status == TargetStatus.Incomplete)) return ExitCode.Incomplete;
        if (results.Any(r => r.Status == TargetStatus.NotRun)) return ExitCode.TargetFailed;
        return ExitCode.Success;
    }

    private async Task<TargetResult> DecideAndRunAsync(PlannedTarget planned, Dictionary<string, TargetResult> results,
        bool stopped, CancellationToken runToken, Func<CancellationToken, Task> beforeRun)
    {
        var target = planned.Target;
        if (planned.StaticSkip is { } skipReason) return new TargetResult(target.Name, TargetStatus.Skipped, TimeSpan.Zero, skipReason);

        // E1: dependents of a failed (or not run, or incomplete) target never run.
        var blocking = target.DependsOn.Select(d => results.GetValueOrDefault(d)).FirstOrDefault(r => r is not null && !r.AllowsDependents);
        if (blocking is not null)
            return new TargetResult(target.Name, TargetStatus.NotRun, TimeSpan.Zero, $"dependency {blocking.Target} {Describe(blocking.Status)}");

        // E2, E4, E9: after a failure or Ctrl-C only assured targets run.
        if (stopped && !target.IsAssuredAfterFailure)
            return new TargetResult(target.Name, TargetStatus.NotRun, TimeSpan.Zero,
                runToken.IsCancellationRequested ? "run cancelled" : "an earlier target failed");

        // E6: only triggered, and nothing that triggers it succeeded.
        if (planned.OnlyTriggered && !planned.TriggeredBy.Any(t => results.GetValueOrDefault(t)?.Status == TargetStatus.Succeeded))
            return new TargetResult(target.Name, TargetStatus.Skipped, TimeSpan.Zero, $"not triggered ({string.Join(", ", planned.TriggeredBy)} did not run)");

        // E5
        var falseCondition = target.Definition.DynamicConditions.FirstOrDefault(c => !c.Evaluate());
        if (falseCondition is not null)
            return new TargetResult(target.Name, TargetStatus.Skipped, TimeSpan.Zero, $"condition false: {falseCondition.Text}");

        // Assured targets after Ctrl-C get a token of their own, bounded in time.
        using var assuredCts = runToken.IsCancellationRequested && target.IsAssuredAfterFailure
            ? new CancellationTokenSource(AssuredTimeoutAfterCancel, _time)
            : null;
        var token = assuredCts?.Token ?? runToken;

        host.TargetStarted(target.Name);
        var span = BuildActivities.StartTarget(target, Ci);
        var result = await RunWithRetriesAsync(target, token, beforeRun);
        BuildActivities.EndTarget(span, result);
        host.TargetFinished(result);
        return result;
    }

    private async Task<TargetResult> RunWithRetriesAsync(BuildTarget target, CancellationToken runToken, Func<CancellationToken, Task> beforeRun)
    {
        var watch = Stopwatch.StartNew();
        var delay = target.Definition.RetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            var (status, error, note) = await RunOnceAsync(target, runToken, beforeRun);
            var retryable = status == TargetStatus.Failed && error is not BuildException && attempt <= target.Definition.RetryCount;
            if (!retryable)
            {
                var attemptsNote = attempt > 1 ? $"after {attempt} attempts" : null;
                var fullNote = string.Join("; ", new[] { note, attemptsNote }.Where(n => n is not null));
                return new TargetResult(target.Name, status, watch.Elapsed, fullNote.Length == 0 ? null : fullNote, error, attempt);
            }
            host.ReportWarning($"{target.Name} failed (attempt {attempt} of {target.Definition.RetryCount + 1}): {error?.Message}; retrying in {Durations.Format(delay)}");
            try
            {
                await Task.Delay(delay, _time, runToken);
            }
            catch (OperationCanceledException)
            {
                return new TargetResult(target.Name, TargetStatus.Cancelled, watch.Elapsed, "cancelled while waiting to retry", error, attempt);
            }
            delay *= 2;
        }
    }

    private async Task<(TargetStatus Status, Exception? Error, string? Note)> RunOnceAsync(BuildTarget target, CancellationToken runToken,
        Func<CancellationToken, Task> beforeRun)
    {
        var timeout = target.Timeout;
        using var timeoutCts = timeout is { } t ? new CancellationTokenSource(t, _time) : new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(runToken, timeoutCts.Token);
        var token = linked.Token;
        try
        {
            await beforeRun(token);
            foreach (var action in target.Definition.Actions)
            {
                var task = Task.Run(() => action(token), CancellationToken.None);
                // A target that ignores its token is abandoned after the grace period, so the run itself always ends.
                await WaitHonouringCancellationAsync(task, token);
            }
            return (TargetStatus.Succeeded, null, null);
        }
        catch (Exception e) when (Translate(e) is BuildException { ExitCode: ExitCode.Incomplete } incomplete)
        {
            return (TargetStatus.Incomplete, incomplete, incomplete.Message);
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException && timeoutCts.IsCancellationRequested && !runToken.IsCancellationRequested)
        {
            return (TargetStatus.TimedOut, e, $"timed out after {Durations.Format(timeout!.Value)}");
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException && runToken.IsCancellationRequested)
        {
            return (TargetStatus.Cancelled, e, target.IsResumable ? "cancelled; resumable: run again to continue" : "cancelled");
        }
        catch (Exception e)
        {
            var error = Translate(e);
            return (TargetStatus.Failed, error, FirstLine(BuildHost.ErrorText(error)));
        }
    }

    private Exception Translate(Exception e)
    {
        var error = e is AggregateException { InnerExceptions.Count: 1 } a ? a.InnerExceptions[0] : e;
        return error is BuildException ? error : translator?.Translate(error) ?? error;
    }

    private async Task WaitHonouringCancellationAsync(Task task, CancellationToken token)
    {
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var registration = token.Register(() => cancelled.TrySetResult());
        var first = await Task.WhenAny(task, cancelled.Task);
        if (first == task)
        {
            await task;
            return;
        }
        // Cancelled: give the target the grace period to observe its token.
        var graceful = await Task.WhenAny(task, Task.Delay(CancellationGrace, _time));
        if (graceful == task)
        {
            await task; // throws OperationCanceledException when it honoured the token, or completes
            token.ThrowIfCancellationRequested();
            return;
        }
        _ = task.ContinueWith(t => _ = t.Exception, TaskScheduler.Default); // observed, abandoned
        throw new TimeoutException($"did not stop within {Durations.Format(CancellationGrace)} of being cancelled");
    }

    private static string FirstLine(string text)
    {
        var newline = text.IndexOfAny(['\r', '\n']);
        return newline < 0 ? text : text[..newline];
    }

    private static string Describe(TargetStatus status) => status switch
    {
        TargetStatus.Failed => "failed",
        TargetStatus.TimedOut => "timed out",
        TargetStatus.Cancelled => "was cancelled",
        TargetStatus.Incomplete => "is incomplete",
        TargetStatus.NotRun => "did not run",
        _ => status.ToString(),
    };
}
