namespace Sluice.Migrations.Hooks;

/// <summary>How one run of a hook ended: <see cref="None"/> is a revert that had nothing to call (<c>revert: none</c>).</summary>
public enum HookOutcome
{
    Succeeded,
    Failed,
    None,
}

/// <summary>One journaled run of a hook (<c>sluice.hook_runs</c>).</summary>
/// <param name="Round">The phase's application the run belongs to: 1 for its first apply, one more after each rollback
/// that undid its hooks (<see cref="HookLedger"/>).</param>
/// <param name="Detail">What happened: status and body excerpt, or exit code and stderr excerpt (redacted).</param>
public sealed record HookRunRecord(
    string PlanId,
    string Phase,
    string Hook,
    HookDirection Direction,
    int Round,
    HookOutcome Outcome,
    int Attempts,
    string IdempotencyKey,
    string Detail);
