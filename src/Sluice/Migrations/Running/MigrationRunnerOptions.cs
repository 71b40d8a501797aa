namespace Sluice.Migrations.Running;

/// <summary>How a run behaves beyond what the plans say.</summary>
/// <param name="Environment">The environment acted on; names the lease.</param>
/// <param name="TimeBudget">After this, the run checkpoints and returns Incomplete; null for no limit.</param>
/// <param name="InitialBackoff">The first lock-timeout retry waits up to this (default 200 ms).</param>
/// <param name="MaxBackoff">No retry waits longer than this (default 10 s).</param>
/// <param name="Seed">Seeds the backoff jitter, for reproducible tests; null for a random seed.</param>
/// <param name="Barrier">Work waited on between phases (Promote's canary); null for none.</param>
/// <param name="HookVariables">Where hooks read <c>${secret:NAME}</c> and <c>enabled_by</c>; null for the process environment.</param>
public sealed record MigrationRunnerOptions(
    string Environment,
    TimeSpan? TimeBudget = null,
    TimeSpan? InitialBackoff = null,
    TimeSpan? MaxBackoff = null,
    int? Seed = null,
    IPhaseBarrier? Barrier = null,
    Func<string, string?>? HookVariables = null)
{
    public TimeSpan EffectiveInitialBackoff => InitialBackoff ?? TimeSpan.FromMilliseconds(200);

    public TimeSpan EffectiveMaxBackoff => MaxBackoff ?? TimeSpan.FromSeconds(10);
}
