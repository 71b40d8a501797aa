namespace Sluice.Migrations.Hooks;

/// <summary>A phase's <c>hooks:</c> block: calls to the layers beside the database (caches, consumers, registries) made
/// before its up and after it. <see cref="None"/> for a phase that names none.</summary>
public sealed record PhaseHooks(IReadOnlyList<PhaseHook> Before, IReadOnlyList<PhaseHook> After)
{
    public static readonly PhaseHooks None = new([], []);

    public bool IsEmpty => Before.Count == 0 && After.Count == 0;

    /// <summary>The hooks of one side, in the order they run forward.</summary>
    public IReadOnlyList<PhaseHook> Of(HookDirection direction) => direction switch
    {
        HookDirection.Before => Before,
        HookDirection.After => After,
        _ => throw new ArgumentOutOfRangeException(nameof(direction), direction, "a hook runs before or after its phase"),
    };
}

/// <summary>One hook: what it calls, and what undoes it when the phase is rolled back.</summary>
/// <param name="Name">Unique within the phase; with the plan, phase, direction and round it keys the journal and the
/// idempotency key.</param>
/// <param name="Action">The forward call.</param>
/// <param name="Revert">The call that undoes <paramref name="Action"/>; null when there is none.</param>
/// <param name="NoRevertReason">Why there is no revert (<c>revert: none</c> with a <c>reason:</c>); null otherwise.</param>
/// <param name="Line">The hook's line in plan.yaml.</param>
public sealed record PhaseHook(string Name, HookAction Action, HookAction? Revert, string? NoRevertReason, int Line)
{
    /// <summary>The environment variable whose presence says the layer exists where the run acts (<c>enabled_by</c>):
    /// where it is not set the hook is not called, and that is journaled. Null: the hook runs everywhere.</summary>
    public string? EnabledBy { get; init; }
}

/// <summary>Which side of its phase a hook runs on, or its revert.</summary>
public enum HookDirection
{
    Before,
    After,
    Revert,
}

/// <summary>What a hook does: an HTTP call or a command. Text may hold the placeholders of <see cref="HookPlaceholders"/>.</summary>
/// <param name="Timeout">How long one attempt may take.</param>
/// <param name="Attempts">How many attempts in all (transient failures only are retried).</param>
/// <param name="Backoff">The wait before the second attempt; it doubles after each further one.</param>
public abstract record HookAction(TimeSpan Timeout, int Attempts, TimeSpan Backoff)
{
    public static readonly TimeSpan DefaultBackoff = TimeSpan.FromMilliseconds(500);
}

/// <param name="Url">Absolute http or https URL.</param>
/// <param name="Method">GET, POST, PUT, PATCH or DELETE.</param>
/// <param name="ExpectStatus">The statuses that mean success; empty for any 2xx.</param>
/// <param name="Headers">Extra request headers (credentials only through <c>${secret:NAME}</c>).</param>
/// <param name="Body">The request body (JSON), or null for none.</param>
public sealed record HttpHookAction(
    string Url,
    string Method,
    IReadOnlyList<int> ExpectStatus,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    string? Body,
    TimeSpan Timeout,
    int Attempts,
    TimeSpan Backoff) : HookAction(Timeout, Attempts, Backoff)
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);
    public const int DefaultAttempts = 3;
}

/// <param name="Argv">The program and its arguments, run without a shell.</param>
/// <param name="WorkingDirectory">Where it runs: the plan folder, or a folder relative to it.</param>
public sealed record CommandHookAction(IReadOnlyList<string> Argv, string WorkingDirectory, TimeSpan Timeout, int Attempts, TimeSpan Backoff)
    : HookAction(Timeout, Attempts, Backoff)
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);
    public const int DefaultAttempts = 1;
}
