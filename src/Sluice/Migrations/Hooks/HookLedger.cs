namespace Sluice.Migrations.Hooks;

/// <summary>
/// What a phase's journaled hook runs mean for the next call, so that a hook never runs twice where it already
/// succeeded, and a rollback undoes exactly the hooks that ran. The first row that matches wins:
/// <code>
/// #  Asked     Journal of the hook in the current round                   Decision
/// 1  forward   a succeeded run of this direction                          Skip: it already ran (a re-run after a crash)
/// 2  forward   none, or only failed runs                                  Run, with the same idempotency key as before
/// 3  revert    a revert that succeeded or was 'none'                      Skip: already undone
/// 4  revert    no succeeded forward run                                   Skip: nothing of it happened
/// 5  revert    a succeeded forward run, the hook has a revert             Run its revert
/// 6  revert    a succeeded forward run, the hook has no revert            RecordNone: journaled as undone by nothing
/// </code>
/// The current round is the latest one journaled (1 when none is), or one more when that round is closed: it has a
/// revert row and every hook that succeeded forward in it has a revert that succeeded or was 'none'. A phase applied
/// again after its rollback so calls its hooks again, with new idempotency keys.
/// </summary>
public sealed class HookLedger(IReadOnlyList<HookRunRecord> runs)
{
    public int Round { get; } = CurrentRound(runs);

    public HookDecision Forward(PhaseHook hook, HookDirection direction) =>
        Succeeded(hook.Name, direction) ? HookDecision.Skip : HookDecision.Run;

    public HookDecision Revert(PhaseHook hook)
    {
        if (InRound(hook.Name).Any(r => r.Direction == HookDirection.Revert && r.Outcome != HookOutcome.Failed)) return HookDecision.Skip;
        if (!InRound(hook.Name).Any(r => r.Direction != HookDirection.Revert && r.Outcome == HookOutcome.Succeeded)) return HookDecision.Skip;
        return hook.Revert is null ? HookDecision.RecordNone : HookDecision.Run;
    }

    /// <summary>True when some hook succeeded forward in the current round and is not undone yet.</summary>
    public bool Outstanding(PhaseHooks hooks) =>
        hooks.Before.Concat(hooks.After).Any(h => Revert(h) != HookDecision.Skip);

    /// <summary>The key sent as <c>Idempotency-Key</c> (and <c>SLUICE_IDEMPOTENCY_KEY</c> to a command): the same for
    /// every attempt and re-run of one hook in one round, different in the next round.</summary>
    public string Key(string environment, string planId, string phase, PhaseHook hook, HookDirection direction) =>
        $"sluice.{environment}.{planId}.{phase}.{hook.Name}.{direction.ToString().ToLowerInvariant()}.{Round}";

    private bool Succeeded(string hook, HookDirection direction) =>
        InRound(hook).Any(r => r.Direction == direction && r.Outcome == HookOutcome.Succeeded);

    private IEnumerable<HookRunRecord> InRound(string hook) => runs.Where(r => r.Round == Round && r.Hook == hook);

    private static int CurrentRound(IReadOnlyList<HookRunRecord> runs)
    {
        if (runs.Count == 0) return 1;
        var latest = runs.Max(r => r.Round);
        var inLatest = runs.Where(r => r.Round == latest).ToList();
        var reverted = inLatest.Where(r => r.Direction == HookDirection.Revert && r.Outcome != HookOutcome.Failed).Select(r => r.Hook).ToHashSet(StringComparer.Ordinal);
        var succeeded = inLatest.Where(r => r.Direction != HookDirection.Revert && r.Outcome == HookOutcome.Succeeded).Select(r => r.Hook);
        var closed = reverted.Count > 0 && succeeded.All(reverted.Contains);
        return closed ? latest + 1 : latest;
    }
}

public enum HookDecision
{
    Run,
    Skip,
    RecordNone,
}
