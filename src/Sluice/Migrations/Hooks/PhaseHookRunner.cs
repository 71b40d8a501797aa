using Sluice.Errors;
using Sluice.Migrations.Plans;
using Sluice.Secrets;

namespace Sluice.Migrations.Hooks;

/// <summary>
/// Runs a phase's hooks for the migration runner and journals every run (<see cref="IHookJournal"/>) before going on,
/// so a re-run skips what succeeded (<see cref="HookLedger"/>) and a rollback undoes exactly that. Forward, the hooks of
/// a side run in their order and the first failure stops (SLU313); reverting, they run latest first (SLU314).
/// </summary>
public sealed class PhaseHookRunner(IHookJournal journal, HookInvoker invoker, string environment, ISecretRedactor redactor)
{
    /// <summary>Runs the <paramref name="side"/> hooks of <paramref name="phase"/> that have not succeeded in this round.</summary>
    /// <param name="report">Told each hook's outcome once it is journaled.</param>
    /// <exception cref="SluiceException">SLU313 (failure) on the first hook that fails.</exception>
    public async Task RunAsync(MigrationPlan plan, MigrationPhase phase, HookDirection side, string by, Action<string> report,
        CancellationToken cancellationToken)
    {
        var hooks = phase.Hooks.Of(side);
        if (hooks.Count == 0) return;
        var ledger = new HookLedger(await journal.ReadAsync(plan.Id, phase.Name, cancellationToken));
        foreach (var hook in hooks)
        {
            if (ledger.Forward(hook, side) == HookDecision.Skip)
            {
                report($"{Word(side)} hook '{hook.Name}' already succeeded (round {ledger.Round}); not called again");
                continue;
            }
            if (hook.EnabledBy is { } layer && !invoker.IsSet(layer))
            {
                var why = $"not called: {layer} is not set for this run, so the layer it reaches is not configured here";
                await journal.RecordAsync(new HookRunRecord(plan.Id, phase.Name, hook.Name, side, ledger.Round, HookOutcome.None, 0,
                    ledger.Key(environment, plan.Id, phase.Name, hook, side), why), environment, by, cancellationToken);
                report($"{Word(side)} hook '{hook.Name}' {why}");
                continue;
            }
            var (succeeded, detail) = await CallAsync(plan, phase, hook, hook.Action, side, ledger, by, cancellationToken);
            if (!succeeded)
                throw new SluiceException(ErrorKind.Failure, ErrorCodes.HookFailed,
                    $"{Word(side)} hook '{hook.Name}' of phase '{phase.Name}' of plan '{plan.Id}' failed: {detail}",
                    "make the receiver answer as the hook expects (or fix the hook in a new plan), then run again: hooks that succeeded are not called twice",
                    plan.PlanFile, hook.Line);
            report($"{Word(side)} hook '{hook.Name}': {detail}");
        }
    }

    /// <summary>Undoes the <paramref name="side"/> hooks of <paramref name="phase"/> that succeeded in this round, latest
    /// first: each by its revert, or journaled as undone by nothing when it has none.</summary>
    /// <exception cref="SluiceException">SLU314 (failure) when a revert fails.</exception>
    public async Task RevertAsync(MigrationPlan plan, MigrationPhase phase, HookDirection side, string by, Action<string> report,
        CancellationToken cancellationToken)
    {
        var hooks = phase.Hooks.Of(side);
        if (hooks.Count == 0) return;
        var ledger = new HookLedger(await journal.ReadAsync(plan.Id, phase.Name, cancellationToken));
        foreach (var hook in hooks.Reverse())
        {
            switch (ledger.Revert(hook))
            {
                case HookDecision.Skip:
                    continue;
                case HookDecision.RecordNone:
                    var why = hook.NoRevertReason is { } reason ? $"revert: none ({reason})" : "no revert: the phase has no down";
                    await journal.RecordAsync(new HookRunRecord(plan.Id, phase.Name, hook.Name, HookDirection.Revert, ledger.Round, HookOutcome.None, 0,
                        ledger.Key(environment, plan.Id, phase.Name, hook, HookDirection.Revert), why), environment, by, CancellationToken.None);
                    report($"hook '{hook.Name}' not reverted: {why}");
                    continue;
            }
            var (succeeded, detail) = await CallAsync(plan, phase, hook, hook.Revert!, HookDirection.Revert, ledger, by, cancellationToken);
            if (!succeeded)
                throw new SluiceException(ErrorKind.Failure, ErrorCodes.RevertHookFailed,
                    $"the revert of hook '{hook.Name}' of phase '{phase.Name}' of plan '{plan.Id}' failed: {detail}",
                    "make the receiver answer, then run Rollback again: reverts that succeeded are not called twice", plan.PlanFile, hook.Line);
            report($"hook '{hook.Name}' reverted: {detail}");
        }
    }

    /// <summary>True when a hook of <paramref name="phase"/> succeeded in this round and is not undone.</summary>
    public async Task<bool> OutstandingAsync(MigrationPlan plan, MigrationPhase phase, CancellationToken cancellationToken) =>
        !phase.Hooks.IsEmpty && new HookLedger(await journal.ReadAsync(plan.Id, phase.Name, cancellationToken)).Outstanding(phase.Hooks);

    private async Task<(bool Succeeded, string Detail)> CallAsync(MigrationPlan plan, MigrationPhase phase, PhaseHook hook, HookAction action,
        HookDirection direction, HookLedger ledger, string by, CancellationToken cancellationToken)
    {
        var key = ledger.Key(environment, plan.Id, phase.Name, hook, direction);
        var context = new HookContext(environment, ServiceOf(plan), plan.Id, phase.Name);
        var result = await invoker.CallAsync(action, context, key, direction, cancellationToken);
        var detail = new SecretValues(result.Secrets, redactor).Redact(result.Detail);
        // Journaled even when the run is being cancelled: the next run must know the call was made.
        await journal.RecordAsync(new HookRunRecord(plan.Id, phase.Name, hook.Name, direction, ledger.Round,
            result.Succeeded ? HookOutcome.Succeeded : HookOutcome.Failed, result.Attempts, key, detail), environment, by, CancellationToken.None);
        return (result.Succeeded, detail);
    }

    /// <summary>The service a plan belongs to: the folder above its <c>migrations</c> folder.</summary>
    private static string ServiceOf(MigrationPlan plan) =>
        Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(plan.Folder.TrimEnd(Path.DirectorySeparatorChar)))) ?? "";

    private static string Word(HookDirection side) => side.ToString().ToLowerInvariant();
}
