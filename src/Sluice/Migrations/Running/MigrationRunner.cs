using System.Diagnostics;
using Sluice.Errors;
using Sluice.Migrations.Backfill;
using Sluice.Migrations.Hooks;
using Sluice.Migrations.Journal;
using Sluice.Migrations.Leases;
using Sluice.Migrations.Plans;
using Sluice.Observability;
using Sluice.Observability.Tracing;
using Sluice.Secrets;

namespace Sluice.Migrations.Running;

/// <summary>
/// Runs plans phase by phase on one environment while holding its lease: skips (and re-verifies) what is done,
/// retries lock timeouts with jittered backoff, walks backfills batch by batch, and stops with a checkpoint when the
/// time budget runs out.
/// </summary>
/// <remarks>
/// What happens to a phase is decided by its journal state and what is asked (<see cref="PhaseStateRules"/>; apply is
/// Migrate reaching the phase, a re-run is Migrate reaching one an earlier run touched, revert is Rollback). The first
/// row that matches wins:
/// <code>
/// #   State      Asked    Phase                          Step           What happens
/// 1   pending    apply    any                            Apply          journal "started", run its up (or walk its backfill), journal "done", verify
/// 2   started    re-run   any                            Resume         as 1, said "resuming an interrupted run": a backfill continues from its
///                                                                       checkpoint, a non-transactional up repeats (it is re-runnable), a
///                                                                       transactional up had rolled back whole
/// 3   failed     re-run   any                            ReRun          as 1 (the failure rolled back, or left a re-runnable phase)
/// 4   reverted   re-run   any                            ReRun          as 1 (its down undid it)
/// 5   done       re-run   the plan's latest done phase   VerifyAndSkip  its verify runs again (a failure stops the run), then it is skipped
/// 6   done       re-run   an earlier phase               Skip           skipped unverified: later phases superseded what its verify checks
/// 7   pending    revert   any                            Leave          nothing of it is applied
/// 8   reverted   revert   any                            Leave          nothing of it is applied
/// 9   otherwise  revert   irreversible                   Refuse         the rollback refuses before touching anything (SLU041): only a snapshot
/// 10  done       revert   any                            RunDown        its down runs (a switch's flag turns off), journaled reverted
/// 11  started,   revert   backfill                       RunDown        its checkpoint resets (the expand's down removes its data)
///     failed
/// 12  started,   revert   non-transactional              RunDown        its down runs: part of its up may have committed
///     failed
/// 13  started,   revert   transactional                  JournalOnly    its up never committed: only the journal row changes
///     failed
/// </code>
/// Phases are reverted latest first; a plan is refused whole when one of its phases hits row 9. A rollback whose
/// downs all ran but whose verification did not (the runner died in between) is verified by the next Rollback
/// (<see cref="UnfinishedRollback"/>).
/// </remarks>
public sealed class MigrationRunner
{
    private readonly MigrationProviders _providers;
    private readonly MigrationRunnerOptions _options;
    private readonly TimeProvider _time;
    private readonly LockRetries _lockRetries;

    public MigrationRunner(MigrationProviders providers, MigrationRunnerOptions options, TimeProvider? timeProvider = null)
    {
        _providers = providers;
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _lockRetries = LockRetries.For(options, _time);
        _hooks = providers.Hooks is { } journal
            ? new PhaseHookRunner(journal, new HookInvoker(options.HookVariables ?? System.Environment.GetEnvironmentVariable, _time), options.Environment, SecretValues.None)
            : null;
    }

    private readonly PhaseHookRunner? _hooks;

    private IMigrationJournal Journal => _providers.Journal;

    /// <summary>Runs <paramref name="plans"/> in order. Throws Busy when another runner holds the environment, Usage
    /// when a plan changed after it ran, Failure when a phase fails; returns Incomplete when the budget ran out.</summary>
    public Task<MigrationRunResult> RunAsync(IReadOnlyList<MigrationPlan> plans, RunnerIdentity by,
        IProgress<MigrationProgress>? progress, CancellationToken cancellationToken) =>
        UnderLeaseAsync(by, progress, cancellationToken, async (run, token) =>
        {
            foreach (var plan in plans) await RefuseChangedPlanAsync(plan, token);
            foreach (var plan in plans)
                if (!await TracedPlanAsync(plan, run, token))
                    return run.PausedBecause is { } paused ? run.Result(MigrationOutcome.Paused, paused) : run.Result(MigrationOutcome.Incomplete,
                        $"the time budget of {Durations.Format(_options.TimeBudget!.Value)} ran out in plan '{plan.Id}'; progress is checkpointed");
            return run.Result(MigrationOutcome.Completed, plans.Count == 0 ? "no plans to run" : $"{plans.Count} plan(s) done");
        });

    private SluiceTelemetry? Telemetry => _providers.Telemetry;

    /// <summary>One plan's run as a span (<c>deployment.status</c> failed on an error, succeeded when every phase is done).</summary>
    private async Task<bool> TracedPlanAsync(MigrationPlan plan, RunState run, CancellationToken cancellationToken)
    {
        using var span = SluiceActivities.StartPlan(_options.Environment, plan.Id, Telemetry?.Database);
        try
        {
            var done = await RunPlanAsync(plan, run, cancellationToken);
            if (done) SluiceActivities.SetDeploymentStatus(span, succeeded: true);
            return done;
        }
        catch (Exception e)
        {
            SluiceActivities.SetDeploymentStatus(span, succeeded: false);
            SluiceActivities.RecordFailure(span, e);
            throw;
        }
    }

    /// <summary>
    /// Reverts <paramref name="plan"/>: every phase that is done, started or failed, latest first, each by its
    /// <c>down</c> with the same lock retries as going forward. Refuses before touching anything when one of them is
    /// irreversible (only a snapshot brings that back) or when the plan changed since it was applied.
    /// </summary>
    public Task<MigrationRunResult> RollbackAsync(MigrationPlan plan, RunnerIdentity by,
        IProgress<MigrationProgress>? progress, CancellationToken cancellationToken) =>
        UnderLeaseAsync(by, progress, cancellationToken, async (run, token) =>
        {
            await RefuseChangedPlanAsync(plan, token);
            var recorded = (await Journal.ReadPhasesAsync(plan.Id, token)).ToDictionary(p => p.Phase, StringComparer.Ordinal);
            var touched = plan.Phases.Reverse()
                .Select(phase => (phase, status: recorded.TryGetValue(phase.Name, out var r) ? r.Status : JournalStatus.Pending))
                .Select(x => (x.phase, x.status, PhaseStateRules.Decide(PhaseAction.Revert, x.status, x.phase).Step))
                .ToList();
            touched = [.. await WhereTouchedAsync(plan, touched, token)];
            if (touched.Count == 0 && _providers.Baselines is not null && await UnfinishedRollback.FindAsync(Journal, plan.Id, token) is { } unfinished)
                return await FinishRollbackAsync(plan, recorded, unfinished, run, token);
            if (touched.Count == 0)
            {
                // A run killed between the verdict and forgetting the baselines left them: they have served, and would
                // otherwise stay for good (a later first run of the plan records its own).
                if (_providers.Baselines is not null && await UnfinishedRollback.EndedVerifiedAsync(Journal, plan.Id, token))
                    await ForgetBaselinesAsync(plan.Id, token);
                return run.Result(MigrationOutcome.Completed, $"plan '{plan.Id}' has nothing applied to roll back");
            }
            if (touched.FirstOrDefault(x => x.Step == PhaseStep.Refuse) is { phase: { } irreversible })
                throw new SluiceException(ErrorKind.Failure, ErrorCodes.Irreversible,
                    $"plan '{plan.Id}' cannot be rolled back: phase '{irreversible.Name}' is irreversible and has been applied",
                    "restore the verified snapshot taken before the plan ran", plan.PlanFile, irreversible.Line);
            await Journal.RecordEventAsync(new JournalEvent(JournalEventKind.RollbackStarted, plan.Id, null, $"reverting {touched.Count} phase(s)", by), token);
            foreach (var (phase, status, step) in touched)
                await RevertPhaseAsync(plan, phase, status, step, run, token);
            await Journal.SetPlanStatusAsync(plan.Id, JournalStatus.Reverted, token);
            await run.RecordAsync(new JournalEvent(JournalEventKind.PlanReverted, plan.Id, null, $"{touched.Count} phase(s) reverted", by), MigrationStep.PlanReverted, token);
            var check = await VerifyRollbackAsync(plan, [.. touched.Select(x => x.phase)], run, token);
            return run.Result(MigrationOutcome.Completed, $"plan '{plan.Id}' rolled back ({touched.Count} phase(s)){check}");
        });

    /// <summary>Ends a rollback an earlier run stopped after its last down: the plan journaled reverted (unless it was),
    /// then the verification it never reached. Its phases are reported reverted (with no attempt of their own), so a
    /// release records the rollback as done, and the drift expectation and the replica check follow as after any.</summary>
    private async Task<MigrationRunResult> FinishRollbackAsync(MigrationPlan plan, Dictionary<string, PhaseRecord> recorded, UnfinishedRollback unfinished,
        RunState run, CancellationToken token)
    {
        var reverted = plan.Phases.Where(p => recorded.TryGetValue(p.Name, out var r) && r.Status == JournalStatus.Reverted).ToList();
        if (!unfinished.PlanReverted)
        {
            await Journal.SetPlanStatusAsync(plan.Id, JournalStatus.Reverted, token);
            await run.RecordAsync(new JournalEvent(JournalEventKind.PlanReverted, plan.Id, null, $"{reverted.Count} phase(s) reverted", run.By),
                MigrationStep.PlanReverted, token);
        }
        var check = await VerifyRollbackAsync(plan, reverted, run, token);
        foreach (var phase in reverted) run.Add(new PhaseRunResult(plan.Id, phase.Name, PhaseOutcome.Reverted, 0, TimeSpan.Zero));
        return run.Result(MigrationOutcome.Completed, $"plan '{plan.Id}' was rolled back by a run that stopped before verifying it; finished now{check}");
    }

    /// <summary>The phases a rollback acts on: what the journal says is applied, and those whose hooks ran (a run that
    /// stopped after a before hook, before the phase's up).</summary>
    private async Task<IEnumerable<(MigrationPhase phase, JournalStatus status, PhaseStep Step)>> WhereTouchedAsync(MigrationPlan plan,
        List<(MigrationPhase phase, JournalStatus status, PhaseStep Step)> phases, CancellationToken cancellationToken)
    {
        var touched = new List<(MigrationPhase, JournalStatus, PhaseStep)>();
        foreach (var x in phases)
            if (x.Step != PhaseStep.Leave || _hooks is { } hooks && await hooks.OutstandingAsync(plan, x.phase, cancellationToken))
                touched.Add(x);
        return touched;
    }

    /// <summary>Reverts one phase: the revert hooks of its after hooks (latest first), its down as <paramref name="step"/>
    /// says (none when only its hooks ran), then the revert hooks of its before hooks.</summary>
    private async Task RevertPhaseAsync(MigrationPlan plan, MigrationPhase phase, JournalStatus status, PhaseStep step, RunState run,
        CancellationToken token)
    {
        var by = run.By;
        await RevertHooksAsync(plan, phase, HookDirection.After, run, token);
        if (step == PhaseStep.Leave)
        {
            await RevertHooksAsync(plan, phase, HookDirection.Before, run, token);
            return;
        }
        var runDown = step == PhaseStep.RunDown;
        var started = _time.GetTimestamp();
        int attempts;
        using (var span = SluiceActivities.StartPhase(_options.Environment, plan.Id, phase.Name, KindOf(phase), "down", Telemetry?.Database))
        {
            try
            {
                attempts = await WithLockRetriesAsync(plan, phase, run,
                    attempt => _providers.Phases.RevertAsync(plan, phase, runDown, attempt, by, token), token);
            }
            catch (Exception e)
            {
                SluiceActivities.RecordFailure(span, e);
                throw;
            }
        }
        var message = !runDown ? $"reverted ({Word(status)}; its up never committed)" : phase switch
        {
            BackfillPhase => "reverted (checkpoint reset; the expand's down removes its data)",
            ScriptPhase { Down: { } down } script => $"reverted by {down.FileName}{(script.Flag is null ? "" : $"; flag '{script.Flag}' is off")}",
            _ => "reverted",
        };
        await run.RecordAsync(new JournalEvent(JournalEventKind.PhaseReverted, plan.Id, phase.Name, message, by, attempts), MigrationStep.PhaseReverted, token);
        await RevertHooksAsync(plan, phase, HookDirection.Before, run, token);
        run.Add(new PhaseRunResult(plan.Id, phase.Name, PhaseOutcome.Reverted, attempts, _time.GetElapsedTime(started)));
    }

    private Task RunHooksAsync(MigrationPlan plan, MigrationPhase phase, HookDirection side, RunState run, CancellationToken cancellationToken) =>
        _hooks is null || phase.Hooks.IsEmpty ? Task.CompletedTask
            : _hooks.RunAsync(plan, phase, side, run.By.ToString(), HookReport(plan, phase, run), cancellationToken);

    private Task RevertHooksAsync(MigrationPlan plan, MigrationPhase phase, HookDirection side, RunState run, CancellationToken cancellationToken) =>
        _hooks is null || phase.Hooks.IsEmpty ? Task.CompletedTask
            : _hooks.RevertAsync(plan, phase, side, run.By.ToString(), HookReport(plan, phase, run), cancellationToken);

    private static Action<string> HookReport(MigrationPlan plan, MigrationPhase phase, RunState run) =>
        message => run.Report(new MigrationProgress(MigrationStep.Hook, plan.Id, phase.Name, message));

    /// <summary>
    /// A hook of <paramref name="phase"/> failed: its phase is rolled back at once, so no layer beside the database is
    /// left out of step with it. Before its up, only the before hooks that ran are reverted (the phase is journaled
    /// failed, as a phase whose up failed); after it, the phase is reverted whole (<see cref="RevertPhaseAsync"/>).
    /// Then the failure is rethrown, with what was rolled back.
    /// </summary>
    private async Task<SluiceException> HookFailedAsync(MigrationPlan plan, MigrationPhase phase, HookDirection side, SluiceException failure,
        RunState run)
    {
        // The rollback runs to its end even when the run is being cancelled: half of it would be the worst state.
        var token = CancellationToken.None;
        string rolledBack;
        try
        {
            if (side == HookDirection.Before)
            {
                await RevertHooksAsync(plan, phase, HookDirection.Before, run, token);
                await FailAsync(plan, phase, 1, failure.Message, run, token);
                rolledBack = $"phase '{phase.Name}' did not run; the before hooks that had run were reverted";
            }
            else
            {
                var step = PhaseStateRules.Decide(PhaseAction.Revert, JournalStatus.Done, phase).Step;
                if (step == PhaseStep.Refuse)
                {
                    await Journal.SetPlanStatusAsync(plan.Id, JournalStatus.Failed, token);
                    return new SluiceException(ErrorKind.Failure, failure.Code, $"{failure.Message}; phase '{phase.Name}' is irreversible and stays applied",
                        "restore the verified snapshot taken before the plan ran, or make the receiver answer and run again", failure.File, failure.Line, failure);
                }
                await RevertPhaseAsync(plan, phase, JournalStatus.Done, step, run, token);
                await Journal.RecordEventAsync(new JournalEvent(JournalEventKind.PhaseFailed, plan.Id, phase.Name, failure.Message, run.By), token);
                await Journal.SetPlanStatusAsync(plan.Id, JournalStatus.Failed, token);
                rolledBack = $"phase '{phase.Name}' was rolled back, revert hooks included";
            }
        }
        catch (SluiceException e) when (e.Kind == ErrorKind.Failure)
        {
            return new SluiceException(ErrorKind.Failure, failure.Code, $"{failure.Message}; rolling phase '{phase.Name}' back failed too: {e.Message}",
                e.Remedy, failure.File, failure.Line, failure);
        }
        return new SluiceException(ErrorKind.Failure, failure.Code, $"{failure.Message}; {rolledBack}", failure.Remedy, failure.File, failure.Line, failure);
    }

    /// <summary>The index of the phase before which the data baseline is taken (past the end when none is).</summary>
    private static int DestructiveFrom(MigrationPlan plan) =>
        DataChanges.FirstDestructivePhase(plan) is { } first ? plan.Phases.ToList().IndexOf(first) : int.MaxValue;

    /// <summary>
    /// Compares the schema after a rollback with its fingerprint from before the plan's first phase, and the data of the
    /// tables the plan touched with their fingerprint from before its first destructive phase: a down that leaves a
    /// column, index or function behind fails the rollback (SLU048), and so does one that brings a column back without
    /// its values (SLU105), naming the table, the column and the key ranges. What could not be verified is said, with why.
    /// </summary>
    /// <returns>A clause for the result's message.</returns>
    private async Task<string> VerifyRollbackAsync(MigrationPlan plan, IReadOnlyList<MigrationPhase> reverted, RunState run,
        CancellationToken cancellationToken)
    {
        var by = run.By;
        if (_providers.Baselines is not { } baselines) return "";
        // The downs ran and are journaled; failing to read the database must not turn that into a failed rollback.
        var check = await Guarded(() => baselines.CheckAsync(plan.Id, cancellationToken),
            e => new SchemaCheck(null, [], $"schema not verified: reading it failed ({e.Message})"));
        var data = await CheckDataAsync(plan, reverted, cancellationToken);
        if (check.Restored == false)
        {
            var changes = string.Join("; ", check.Changes.Take(10).Select(c => c.ToString())) + (check.Changes.Count > 10 ? "; ..." : "");
            await Journal.RecordEventAsync(new JournalEvent(JournalEventKind.RollbackDiffers, plan.Id, null, $"{check.Detail}: {changes}; {data.Detail}", by), cancellationToken);
            throw new SluiceException(ErrorKind.Failure, ErrorCodes.RollbackLeftChanges,
                $"plan '{plan.Id}' was rolled back but the schema is not the one before it ran: {changes}{(data.Verdict == DataVerdict.Lost ? $"; {data.Detail}" : "")}",
                "a down script leaves these behind: fix it in a new plan, or restore the verified snapshot taken before the plan", plan.PlanFile);
        }
        if (data.Verdict == DataVerdict.Lost)
        {
            await Journal.RecordEventAsync(new JournalEvent(JournalEventKind.RollbackDiffers, plan.Id, null, $"{check.Detail}; {data.Detail}", by), cancellationToken);
            var columns = string.Join(", ", data.Lost.Select(l => $"{l.Table}.{l.Column}"));
            throw new SluiceException(ErrorKind.Failure, ErrorCodes.RollbackLostData,
                $"plan '{plan.Id}' was rolled back but data is gone: {string.Join("; ", data.Lost)}",
                $"restore {columns} from the verified snapshot taken before the plan; then give the destructive phase a down that repopulates what it drops, or mark it 'irreversible: true'",
                plan.PlanFile);
        }
        var verified = check.Restored == true && data.Verdict is DataVerdict.Equal or DataVerdict.NotAtRisk;
        var detail = $"{check.Detail}; {data.Detail}";
        await Journal.RecordEventAsync(new JournalEvent(verified ? JournalEventKind.RollbackVerified : JournalEventKind.RollbackUnverified,
            plan.Id, null, detail, by), cancellationToken);
        run.Report(new MigrationProgress(MigrationStep.PlanReverted, plan.Id, null, check.Detail));
        run.Report(new MigrationProgress(MigrationStep.PlanReverted, plan.Id, null, data.Detail));
        if (verified) await ForgetBaselinesAsync(plan.Id, cancellationToken);
        return $"; {detail}";
    }

    private async Task ForgetBaselinesAsync(string planId, CancellationToken cancellationToken)
    {
        if (_providers.Baselines is { } baselines) await baselines.ForgetAsync(planId, cancellationToken);
        if (_providers.DataBaselines is { } data) await data.ForgetAsync(planId, cancellationToken);
    }

    private async Task<DataCheck> CheckDataAsync(MigrationPlan plan, IReadOnlyList<MigrationPhase> reverted, CancellationToken cancellationToken)
    {
        if (_providers.DataBaselines is not { } data) return new DataCheck(DataVerdict.Unverified, [], [], "data not verified: this run keeps no data baselines");
        var from = DestructiveFrom(plan);
        if (!reverted.Any(p => plan.Phases.ToList().IndexOf(p) >= from) && !await data.ExistsAsync(plan.Id, cancellationToken))
            return new DataCheck(DataVerdict.NotAtRisk, [], [], "data not at risk: no reverted phase drops or overwrites data");
        return await Guarded(() => data.CheckAsync(plan.Id, cancellationToken),
            e => new DataCheck(DataVerdict.Unverified, [], [], $"data not verified: reading it failed ({e.Message})"));
    }

    private static async Task<T> Guarded<T>(Func<Task<T>> read, Func<Exception, T> failed)
    {
        try
        {
            return await read();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return failed(e);
        }
    }

    /// <summary>Runs <paramref name="work"/> holding the environment's lease, as the providers hand it (taken now, or
    /// the one the caller holds through a <see cref="HeldLeaseProvider"/>), and turns a lost lease into a clear failure.</summary>
    private async Task<MigrationRunResult> UnderLeaseAsync(RunnerIdentity by, IProgress<MigrationProgress>? progress,
        CancellationToken cancellationToken, Func<RunState, CancellationToken, Task<MigrationRunResult>> work)
    {
        var run = new RunState(by, _time, _options.TimeBudget, Journal, progress);
        await Journal.EnsureAsync(cancellationToken);
        await using var lease = await _providers.Leases.AcquireAsync(_options.Environment, by, cancellationToken);
        run.Report(new MigrationProgress(MigrationStep.LeaseAcquired, null, null, $"holding the lease of '{_options.Environment}' as {lease.Holder.Holder}"));
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lease.Lost);
        try
        {
            return await work(run, linked.Token);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && run.Current is { } current)
        {
            await JournalCancelledAsync(current.Plan, current.Phase, by);
            throw;
        }
        catch (OperationCanceledException e) when (lease.Lost.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new SluiceException(ErrorKind.Failure, ErrorCodes.LeaseLost,
                $"the lease of '{_options.Environment}' was lost while running; work stopped at the last commit",
                "check the database connection; run again to continue", inner: e);
        }
    }

    /// <summary>Ctrl-C or SIGTERM stopped a phase: the journal says so (a backfill or non-transactional phase stays
    /// <c>started</c> and is resumed; a transactional one rolled back whole and runs again). Written with a token of its own, since the run's token is already cancelled; a journal that cannot be
    /// reached in a few seconds must not hold the process up.</summary>
    private async Task JournalCancelledAsync(string planId, string phase, RunnerIdentity by)
    {
        using var deadline = new CancellationTokenSource(CancelledWriteTimeout);
        try
        {
            await Journal.RecordEventAsync(new JournalEvent(JournalEventKind.Cancelled, planId, phase,
                $"cancelled while phase '{phase}' was running; what it had committed stays and the next run continues from there", by), deadline.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException or System.Data.Common.DbException)
        {
            // The cancellation itself is what the caller must see; the missing event is the lesser loss.
        }
    }

    private static readonly TimeSpan CancelledWriteTimeout = TimeSpan.FromSeconds(5);

    private static string Word(JournalStatus status) => status.ToString().ToLowerInvariant();

    private static string KindOf(MigrationPhase phase) => phase.Kind.ToString().ToLowerInvariant();

    private async Task RefuseChangedPlanAsync(MigrationPlan plan, CancellationToken cancellationToken)
    {
        if (await Journal.FindPlanAsync(plan.Id, cancellationToken) is { } recorded && recorded.Hash != plan.Hash)
            throw SluiceException.Usage(ErrorCodes.PlanChanged,
                $"plan '{plan.Id}' changed after it was applied here: recorded hash {recorded.Hash}, now {plan.Hash}",
                "never edit an applied plan: revert the change and write a new plan for the new change", plan.PlanFile);
    }

    /// <returns>False when the time budget ran out.</returns>
    private async Task<bool> RunPlanAsync(MigrationPlan plan, RunState run, CancellationToken cancellationToken)
    {
        var by = run.By;
        await Journal.RecordPlanAsync(plan, by, cancellationToken);
        var recorded = (await Journal.ReadPhasesAsync(plan.Id, cancellationToken)).ToDictionary(p => p.Phase, StringComparer.Ordinal);
        run.Report(new MigrationProgress(MigrationStep.PlanStarted, plan.Id, null, $"{plan.Phases.Count} phases, risk {plan.Risk.ToString().ToLowerInvariant()}"));
        var untouched = recorded.Values.All(r => r.Status is JournalStatus.Pending or JournalStatus.Reverted);
        // Only the latest done phase is re-verified: earlier ones were superseded by later ones (a contract removes
        // what an expand's verify looks for), so their checks no longer describe the database.
        JournalStatus StatusOf(MigrationPhase phase) => recorded.TryGetValue(phase.Name, out var r) ? r.Status : JournalStatus.Pending;
        var latestDone = plan.Phases.LastOrDefault(p => StatusOf(p) == JournalStatus.Done);
        // Half-migrated since the plan's first phase started, in an earlier run or in this one.
        var partialSince = recorded.Values.Where(r => r.Status != JournalStatus.Reverted).Min(r => r.StartedAt);
        var destructiveFrom = DestructiveFrom(plan);
        foreach (var (phase, index) in plan.Phases.Select((p, i) => (p, i)))
        {
            var step = PhaseStateRules.Decide(PhaseAction.Apply, StatusOf(phase), phase, latestDone: ReferenceEquals(phase, latestDone)).Step;
            if (step is PhaseStep.VerifyAndSkip or PhaseStep.Skip)
            {
                if (step == PhaseStep.VerifyAndSkip) await VerifyAsync(plan, phase, run, cancellationToken);
                await run.RecordAsync(new JournalEvent(JournalEventKind.PhaseSkipped, plan.Id, phase.Name, "already done", by), MigrationStep.PhaseSkipped, cancellationToken);
                // A run that stopped between a phase and its after hooks left them to this one.
                await GuardedHooksAsync(plan, phase, HookDirection.After, run, cancellationToken);
                run.Add(new PhaseRunResult(plan.Id, phase.Name, PhaseOutcome.AlreadyDone, 0, TimeSpan.Zero));
                continue;
            }
            if (run.BudgetExhausted)
            {
                await PauseAsync(plan, phase, run, $"stopping before '{phase.Name}', which has not started", cancellationToken);
                return false;
            }
            if (await StoppedByBarrierAsync(plan, phase, run, cancellationToken)) return false;
            if (_options.Barrier is { } barrier) await barrier.BeforeAsync(plan, phase, cancellationToken);
            // The schema before the plan's first change, for verifying a rollback later; not when resuming a plan
            // that already changed it.
            if (untouched && _providers.Checks is { } before) await before.BeforePlanAsync(plan, cancellationToken);
            if (untouched && _providers.Baselines is { } baselines)
            {
                await baselines.RecordAsync(plan.Id, cancellationToken);
                if (_providers.DataBaselines is { } stale) await stale.ForgetAsync(plan.Id, cancellationToken);
            }
            untouched = false;
            if (index >= destructiveFrom && _providers.DataBaselines is { } data && !await data.ExistsAsync(plan.Id, cancellationToken))
            {
                var taken = await data.RecordAsync(plan.Id, StatementTargets.TablesOf(plan), cancellationToken);
                var detail = $"{taken} before '{phase.Name}', for verifying a rollback";
                await run.RecordAsync(new JournalEvent(JournalEventKind.DataBaselineTaken, plan.Id, phase.Name, detail, by), MigrationStep.PhaseStarted, cancellationToken);
            }
            await Journal.SetPlanStatusAsync(plan.Id, JournalStatus.Started, cancellationToken);
            var started = _time.GetTimestamp();
            partialSince ??= _time.GetUtcNow();
            var resumed = step == PhaseStep.Resume ? " (resuming an interrupted run)" : "";
            var kind = KindOf(phase);
            using var span = SluiceActivities.StartPhase(_options.Environment, plan.Id, phase.Name, kind, "up", Telemetry?.Database,
                (phase as BackfillPhase)?.Backfill.Table);
            await run.RecordAsync(new JournalEvent(JournalEventKind.PhaseStarted, plan.Id, phase.Name, $"{kind} phase started{resumed}", by), MigrationStep.PhaseStarted,
                cancellationToken, report: $"{kind}{resumed}");
            run.Current = (plan.Id, phase.Name);
            await GuardedHooksAsync(plan, phase, HookDirection.Before, run, cancellationToken);

            int attempts;
            try
            {
                switch (phase)
                {
                    case BackfillPhase backfill:
                        if (!await BackfillAsync(plan, backfill, run, cancellationToken))
                        {
                            run.Add(new PhaseRunResult(plan.Id, phase.Name, PhaseOutcome.Incomplete, 0, _time.GetElapsedTime(started)));
                            Telemetry?.PartialState(_options.Environment, plan.Id, _time.GetUtcNow() - partialSince.Value, plan.MaxPartialState);
                            return false;
                        }
                        attempts = 1;
                        break;
                    case ScriptPhase script:
                        attempts = await WithLockRetriesAsync(plan, phase, run,
                            attempt => _providers.Phases.ApplyAsync(plan, script, attempt, by, cancellationToken), cancellationToken);
                        break;
                    default:
                        throw new ArgumentOutOfRangeException(nameof(phase), phase.GetType().Name, "a phase is a script or a backfill");
                }
                var flag = (phase as ScriptPhase)?.Flag;
                await Journal.RecordEventAsync(new JournalEvent(JournalEventKind.PhaseDone, plan.Id, phase.Name,
                    flag is null ? "done" : $"done; flag '{flag}' is on", by, attempts), cancellationToken);
                await VerifyAsync(plan, phase, run, cancellationToken);
                if (_providers.Checks is { } after) await after.AfterPhaseAsync(plan, phase, cancellationToken);
                await GuardedHooksAsync(plan, phase, HookDirection.After, run, cancellationToken);
            }
            catch (Exception e)
            {
                SluiceActivities.RecordFailure(span, e);
                throw;
            }
            Telemetry?.PartialState(_options.Environment, plan.Id, _time.GetUtcNow() - partialSince.Value, plan.MaxPartialState);
            if (_providers.PhaseDurations is { } durations)
                await durations.RecordActualAsync(plan, phase, _time.GetElapsedTime(started), step == PhaseStep.Resume, cancellationToken);
            run.Report(new MigrationProgress(MigrationStep.PhaseDone, plan.Id, phase.Name, $"done in {_time.GetElapsedTime(started).TotalMilliseconds:F0} ms", Attempt: attempts));
            run.Add(new PhaseRunResult(plan.Id, phase.Name, PhaseOutcome.Applied, attempts, _time.GetElapsedTime(started)));
            run.Current = null;
        }
        if (await StoppedByBarrierAsync(plan, null, run, cancellationToken)) return false;
        if (_options.Barrier is { } last) await last.BeforeAsync(plan, null, cancellationToken);
        await Journal.SetPlanStatusAsync(plan.Id, JournalStatus.Done, cancellationToken);
        Telemetry?.PartialState(_options.Environment, plan.Id, TimeSpan.Zero, plan.MaxPartialState);
        run.Report(new MigrationProgress(MigrationStep.PlanDone, plan.Id, null, "every phase done"));
        return true;
    }

    /// <summary>Runs the <paramref name="side"/> hooks; a failing one rolls its phase back (<see cref="HookFailedAsync"/>).</summary>
    private async Task GuardedHooksAsync(MigrationPlan plan, MigrationPhase phase, HookDirection side, RunState run, CancellationToken cancellationToken)
    {
        try
        {
            await RunHooksAsync(plan, phase, side, run, cancellationToken);
        }
        catch (SluiceException e) when (e.Code == ErrorCodes.HookFailed)
        {
            throw await HookFailedAsync(plan, phase, side, e, run);
        }
    }

    /// <summary>Whether the barrier stops the run before <paramref name="next"/>: journaled, and said why.</summary>
    private async Task<bool> StoppedByBarrierAsync(MigrationPlan plan, MigrationPhase? next, RunState run, CancellationToken cancellationToken)
    {
        if (_options.Barrier is not { } barrier || await barrier.StopBeforeAsync(plan, next, cancellationToken) is not { } reason) return false;
        await run.RecordAsync(new JournalEvent(JournalEventKind.PausedAtBarrier, plan.Id, next?.Name, reason, run.By), MigrationStep.Paused, cancellationToken);
        run.PausedBecause = reason;
        return true;
    }

    /// <param name="where">Where the budget ran out, truthfully: before a phase, or inside a backfill after its checkpoint.</param>
    private async Task PauseAsync(MigrationPlan plan, MigrationPhase phase, RunState run, string where, CancellationToken cancellationToken)
    {
        var by = run.By;
        var message = $"time budget of {Durations.Format(_options.TimeBudget!.Value)} {where}";
        await run.RecordAsync(new JournalEvent(JournalEventKind.BackfillPaused, plan.Id, phase.Name, message, by), MigrationStep.BudgetExhausted, cancellationToken);
    }

    private async Task VerifyAsync(MigrationPlan plan, MigrationPhase phase, RunState run, CancellationToken cancellationToken)
    {
        var by = run.By;
        if (phase.Verify is null) return;
        var result = await _providers.Phases.VerifyAsync(plan, phase, cancellationToken);
        if (result.Passed)
        {
            await run.RecordAsync(new JournalEvent(JournalEventKind.Verified, plan.Id, phase.Name, result.Detail, by), MigrationStep.Verified, cancellationToken);
            return;
        }
        var message = $"verify of phase '{phase.Name}' of plan '{plan.Id}' failed: {result.Detail}";
        await Journal.RecordEventAsync(new JournalEvent(JournalEventKind.VerifyFailed, plan.Id, phase.Name, result.Detail, by), cancellationToken);
        await Journal.MarkPhaseFailedAsync(plan, phase, 1, message, by, cancellationToken);
        throw new SluiceException(ErrorKind.Failure, ErrorCodes.VerifyFailed, message,
            $"inspect the database against {phase.Verify.FileName}; roll the phase back with its down, fix the plan in a new plan, and run again",
            phase.Verify.Path);
    }

    /// <summary>Runs <paramref name="work"/>, retrying lock timeouts with backoff up to the phase's <c>retries</c>.</summary>
    /// <returns>The attempts it took.</returns>
    private async Task<int> WithLockRetriesAsync(MigrationPlan plan, MigrationPhase phase, RunState run,
        Func<int, Task> work, CancellationToken cancellationToken, bool journalFirstAttempt = true)
    {
        var by = run.By;
        var attempt = 0;
        try
        {
            return await _lockRetries.RunAsync(phase, async number =>
            {
                attempt = number;
                if (attempt > 1 || journalFirstAttempt)
                    await Journal.RecordEventAsync(new JournalEvent(JournalEventKind.Attempt, plan.Id, phase.Name,
                        $"attempt {attempt} of {phase.Retries} (lock_timeout {Durations.Format(phase.LockTimeout)})", by, attempt), cancellationToken);
                await work(attempt);
            }, retry =>
            {
                if (phase is BackfillPhase) Telemetry?.BatchWaitedOnLock(_options.Environment, plan.Id, phase.Name);
                return run.RecordAsync(new JournalEvent(JournalEventKind.Retry, plan.Id, phase.Name, retry.Message, by, retry.FailedAttempt), MigrationStep.Retry, cancellationToken);
            },
            cancellationToken);
        }
        catch (LockTimeoutException e)
        {
            var message = $"phase '{phase.Name}' of plan '{plan.Id}' could not take its locks in {attempt} attempts " +
                          $"(lock_timeout {Durations.Format(phase.LockTimeout)} each): {e.Message}";
            await FailAsync(plan, phase, attempt, message, run, cancellationToken);
            throw new SluiceException(ErrorKind.Failure, ErrorCodes.LockTimeoutExhausted, message,
                "find the blocking sessions (SELECT pid, query, xact_start FROM pg_stat_activity WHERE pid = ANY(pg_blocking_pids(<pid>))), "
                + "end long transactions, or raise 'retries'/'lock_timeout' in the plan and run again", plan.PlanFile, phase.Line, e);
        }
        catch (SluiceException e) when (e.Kind == ErrorKind.Failure)
        {
            await FailAsync(plan, phase, attempt, e.Message, run, cancellationToken);
            throw;
        }
    }

    private async Task FailAsync(MigrationPlan plan, MigrationPhase phase, int attempts, string message, RunState run, CancellationToken cancellationToken)
    {
        var by = run.By;
        // The failure is journaled even when the run is being cancelled: it is what the next reader needs.
        await Journal.RecordEventAsync(new JournalEvent(JournalEventKind.PhaseFailed, plan.Id, phase.Name, message, by, attempts), CancellationToken.None);
        await Journal.MarkPhaseFailedAsync(plan, phase, attempts, message, by, CancellationToken.None);
        await Journal.SetPlanStatusAsync(plan.Id, JournalStatus.Failed, CancellationToken.None);
    }

    /// <returns>False when the time budget ran out (the checkpoint is committed).</returns>
    private async Task<bool> BackfillAsync(MigrationPlan plan, BackfillPhase phase, RunState run, CancellationToken cancellationToken)
    {
        var by = run.By;
        var spec = phase.Backfill;
        var backfills = _providers.Backfills;
        var checkpoint = await backfills.ReadCheckpointAsync(plan.Id, phase.Name, cancellationToken);
        var afterKey = checkpoint?.LastKey;
        var rowsAtStart = checkpoint?.RowsDone ?? 0;
        var rowsLeft = await backfills.CountRemainingAsync(spec, afterKey, cancellationToken);
        var rowBytes = spec.MaxBatchBytes is null ? null : await backfills.EstimateRowBytesAsync(spec, cancellationToken);
        int? rowsByBytes = spec.MaxBatchBytes is { } budget && rowBytes is > 0 ? (int)Math.Min(int.MaxValue, budget / rowBytes.Value) : null;
        var sizer = new BatchSizer(spec.TargetBatchTime, spec.InitialBatchSize, spec.MinBatchSize, spec.MaxBatchSize, rowsByBytes,
            tableRows: rowsAtStart + rowsLeft, spec.MaxLockedShare);
        var slo = new BackfillSloGuard(plan.Slo);
        var writers = rowsLeft > 0 ? await WatchWritersAsync(plan, phase, run, cancellationToken) : null;
        var pace = spec.PauseBetweenBatches;
        var started = _time.GetTimestamp();
        var rowsDone = rowsAtStart;
        var batches = checkpoint?.Batches ?? 0;
        string? throttledBy = null;

        BackfillProgress Progress(string? throttled) => BackfillProgress.Estimate(rowsDone, rowsAtStart, rowsLeft, batches, sizer.Current, afterKey, _time.GetElapsedTime(started), throttled);

        var environment = _options.Environment;
        Telemetry?.BackfillStarted(environment, plan.Id, phase.Name, spec.MaxReplicationLag);
        Activity? group = null;
        var (groupBatches, groupRows) = (0, 0L);
        try
        {
            while (true)
            {
                if (run.BudgetExhausted)
                {
                    await PauseAsync(plan, phase, run, $"reached inside '{phase.Name}' after a checkpoint ({rowsDone} rows done); the next run continues from it", cancellationToken);
                    return false;
                }
                var pressure = await _providers.Pressure.ReadAsync(cancellationToken);
                Telemetry?.ReplicationLagRead(environment, plan.Id, pressure.ReplicationLag);
                var (reason, reasonLabel) = ThrottleReason(pressure, spec);
                if (reason is not null)
                {
                    Telemetry?.BackfillThrottled(environment, plan.Id, phase.Name, reasonLabel!);
                    if (throttledBy is null)
                        await Journal.RecordEventAsync(new JournalEvent(JournalEventKind.BackfillThrottled, plan.Id, phase.Name, reason, by), cancellationToken);
                    throttledBy = reason;
                    run.Report(new MigrationProgress(MigrationStep.Throttled, plan.Id, phase.Name, reason, Progress(reason)));
                    await Task.Delay(spec.ThrottlePause, _time, cancellationToken);
                    continue;
                }
                throttledBy = null;

                var size = sizer.Current;
                BackfillBatchResult? batch = null;
                group ??= SluiceActivities.StartBatchGroup(plan.Id, phase.Name, spec.Table, Telemetry?.Database);
                // Batches journal only their retries: thousands of first attempts would flood the journal.
                await WithLockRetriesAsync(plan, phase, run, async _ =>
                    batch = await backfills.RunBatchAsync(plan, phase, afterKey, size, by, cancellationToken), cancellationToken, journalFirstAttempt: false);
                afterKey = batch!.LastKey ?? afterKey;
                rowsDone = batch.Checkpoint.RowsDone;
                batches = batch.Checkpoint.Batches;
                Telemetry?.BatchCommitted(environment, plan.Id, phase.Name, spec.Table, batch.RowsAffected, batch.Duration);
                (groupBatches, groupRows) = (groupBatches + 1, groupRows + batch.RowsAffected);
                if (groupBatches == BatchesPerSpan || batch.Finished)
                {
                    SluiceActivities.EndBatchGroup(group, groupBatches, groupRows);
                    (group, groupBatches, groupRows) = (null, 0, 0);
                }
                if (batch.Finished)
                {
                    await run.RecordAsync(new JournalEvent(JournalEventKind.BackfillDone, plan.Id, phase.Name,
                        $"backfill done: {rowsDone} rows in {batches} batches{(writers is null ? "" : $"; {writers.Summary(plan.Slo!.WriterP99Increase!.Value)}")}", by), MigrationStep.Backfill, cancellationToken,
                        report: "backfill done", Progress(null));
                    return true;
                }
                var report = Progress(null) with { LastBatchTime = batch.Duration };
                var atMinimum = sizer.AtMinimum;
                sizer.Next(batch.Keys, batch.Duration, batch.LongestWriterWait);
                pace = await HoldToSloAsync(plan, phase, run, slo.Judge(batch, size, atMinimum), sizer, pace, cancellationToken);
                if (writers is not null && await writers.NextAsync(cancellationToken) is { } window)
                {
                    pace = await HoldToSloAsync(plan, phase, run, slo.JudgeWriters(window, spec.Table, sizer.Current, sizer.AtMinimum, batch.Duration, pace), sizer, pace,
                        cancellationToken);
                }
                if (writers?.Lost is { } lost)
                {
                    await SayNotEnforcedAsync(plan, phase, run, $"the writers' latency could no longer be read: {lost}", cancellationToken);
                    writers = null;
                }
                run.Report(new MigrationProgress(MigrationStep.Backfill, plan.Id, phase.Name, report.ToString(), report));
                if (pace > TimeSpan.Zero) await Task.Delay(pace, _time, cancellationToken);
            }
        }
        catch (Exception e)
        {
            SluiceActivities.RecordFailure(group, e);
            throw;
        }
        finally
        {
            SluiceActivities.EndBatchGroup(group, groupBatches, groupRows);
            Telemetry?.BackfillStopped(environment, plan.Id, phase.Name);
        }
    }

    /// <summary>Batches per batch-group span: a trace shows a backfill's progress without a span per batch.</summary>
    private const int BatchesPerSpan = 10;

    /// <summary>Applies the SLO guard's verdict on a batch or a window of the writers' latency: a throttle shrinks (or
    /// caps) the next batches and may pace them, and is journaled; a stop fails the phase (SLU251), which Promote then
    /// rolls back.</summary>
    /// <returns>The pause to keep between batches from now on.</returns>
    private async Task<TimeSpan> HoldToSloAsync(MigrationPlan plan, BackfillPhase phase, RunState run, SloVerdict verdict, BatchSizer sizer, TimeSpan pace,
        CancellationToken cancellationToken)
    {
        switch (verdict.Action)
        {
            case SloAction.Throttle:
                if (verdict.ShrinkTo is { } shrink) sizer.ShrinkTo(shrink);
                if (verdict.CapAt is { } cap) sizer.CapAt(cap);
                if (verdict.Pace is { } paced) pace = paced > pace ? paced : pace;
                var how = verdict.Pace is null ? "" : $", pausing {pace.TotalMilliseconds:F0} ms between batches";
                await run.RecordAsync(new JournalEvent(JournalEventKind.BackfillThrottled, plan.Id, phase.Name, $"slo: {verdict.Evidence} to {sizer.Current} rows{how}", run.By),
                    MigrationStep.Throttled, cancellationToken);
                break;
            case SloAction.Stop:
                var message = $"backfill phase '{phase.Name}' of plan '{plan.Id}' cannot stay within its slo: {verdict.Evidence}";
                await FailAsync(plan, phase, 1, message, run, cancellationToken);
                throw new SluiceException(ErrorKind.Failure, ErrorCodes.SloBreached, message, verdict.Remedy!, plan.PlanFile, plan.Slo?.Line);
        }
        return pace;
    }

    /// <summary>For a plan stating <c>writer_p99_increase</c>: the watch of the writers' latency on the backfill's
    /// table, its baseline taken before the first batch; null, said once in the run's output and journal with the
    /// reason and the remedy, when the bound cannot be enforced (no source, no <c>pg_stat_statements</c>, too few writes).</summary>
    private async Task<WriterLatencyWatch?> WatchWritersAsync(MigrationPlan plan, BackfillPhase phase, RunState run, CancellationToken cancellationToken)
    {
        if (plan.Slo?.WriterP99Increase is not { } factor) return null;
        if (_providers.WriterLatency is not { } source)
        {
            await SayNotEnforcedAsync(plan, phase, run, "this run's database provider cannot read the writers' latency (use Sluice.Postgres' providers)", cancellationToken);
            return null;
        }
        var options = _providers.WriterLatencyOptions;
        run.Report(new MigrationProgress(MigrationStep.Backfill, plan.Id, phase.Name,
            $"slo: watching the writes on {phase.Backfill.Table} for {Durations.Format(options.BaselineWindow)} before the first batch, for the writers' p99 baseline"));
        var (watch, notEnforced, remedy) = await WriterLatencyWatch.StartAsync(source, phase.Backfill.Table, options, _time, cancellationToken);
        if (watch is null)
        {
            await SayNotEnforcedAsync(plan, phase, run, $"{notEnforced}; {remedy}", cancellationToken);
            return null;
        }
        run.Report(new MigrationProgress(MigrationStep.Backfill, plan.Id, phase.Name,
            $"slo: the writers' p99 on {phase.Backfill.Table} before the backfill: an estimated {watch.BaselineP99:0.0##} ms over {watch.Baseline} "
            + $"(mean {watch.Baseline.MeanMilliseconds:0.0##} ms); the backfill may raise it {factor:0.##}x"));
        return watch;
    }

    /// <summary>Says, once per run and reason, that <c>writer_p99_increase</c> is not enforced: a warning in the output and
    /// a journal event, never silence.</summary>
    private async Task SayNotEnforcedAsync(MigrationPlan plan, BackfillPhase phase, RunState run, string why, CancellationToken cancellationToken)
    {
        var message = $"slo: writer_p99_increase is not enforced: {why}";
        if (run.FirstTime(message))
            await run.RecordAsync(new JournalEvent(JournalEventKind.SloNotEnforced, plan.Id, phase.Name, message, run.By), MigrationStep.SloNotEnforced, cancellationToken);
    }

    /// <returns>Why the backfill must pause, and the <see cref="MetricLabels.Reasons"/> label of it; nulls when it need not.</returns>
    private static (string? Message, string? Label) ThrottleReason(BackfillPressure pressure, BackfillSpec spec)
    {
        if (pressure.ReplicationLag is { } lag && lag > spec.MaxReplicationLag)
            return ($"replication lag {lag.TotalMilliseconds:F0} ms exceeds {Durations.Format(spec.MaxReplicationLag)}", MetricLabels.Reasons.ReplicationLag);
        if (pressure.LockWaiters > spec.MaxLockWaiters)
            return ($"{pressure.LockWaiters} sessions wait on locks (max {spec.MaxLockWaiters})", MetricLabels.Reasons.LockWaits);
        return (null, null);
    }

    /// <summary>The mutable bookkeeping of one run, kept out of the runner so the runner holds no per-run state.</summary>
    private sealed class RunState(RunnerIdentity by, TimeProvider time, TimeSpan? budget, IMigrationJournal journal, IProgress<MigrationProgress>? progress)
    {
        /// <summary>Who runs: one fact of the run, recorded with each of its events.</summary>
        public RunnerIdentity By => by;

        private readonly long _started = time.GetTimestamp();
        private readonly List<PhaseRunResult> _phases = [];

        /// <summary>The phase running now, if any: what a cancellation interrupts.</summary>
        public (string Plan, string Phase)? Current { get; set; }

        public bool BudgetExhausted => budget is { } b && time.GetElapsedTime(_started) >= b;

        /// <summary>Why a barrier stopped the run on purpose; null while it goes on.</summary>
        public string? PausedBecause { get; set; }

        public void Report(MigrationProgress report) => progress?.Report(report);

        private readonly HashSet<string> _said = new(StringComparer.Ordinal);

        /// <summary>True the first time a notice is given in this run, false after.</summary>
        public bool FirstTime(string notice) => _said.Add(notice);

        /// <summary>Journals <paramref name="entry"/>, then reports the same progress (its message, unless the report
        /// says it shorter in <paramref name="report"/>).</summary>
        public async Task RecordAsync(JournalEvent entry, MigrationStep step, CancellationToken cancellationToken, string? report = null,
            BackfillProgress? backfill = null)
        {
            await journal.RecordEventAsync(entry, cancellationToken);
            Report(new MigrationProgress(step, entry.PlanId, entry.Phase, report ?? entry.Message, backfill, entry.Attempt));
        }

        public void Add(PhaseRunResult result) => _phases.Add(result);

        public MigrationRunResult Result(MigrationOutcome outcome, string summary) => new(outcome, [.. _phases], summary);
    }
}
