using Sluice.Migrations.Plans;

namespace Sluice.Migrations.Running;

/// <summary>
/// The lock-timeout retry loop every phase runs under, Promote's and the rehearsal's alike (a rehearsal is only worth
/// its likeness to the real run): an attempt that throws <see cref="LockTimeoutException"/> is tried again after the
/// <see cref="RetryPolicy"/>'s jittered delay, up to the phase's <c>retries</c>; the last attempt's exception propagates.
/// </summary>
public sealed class LockRetries(RetryPolicy policy, TimeProvider time)
{
    /// <summary>The retries of a run with <paramref name="options"/>: its backoff bounds, its seed (else a random one).</summary>
    public static LockRetries For(MigrationRunnerOptions options, TimeProvider? time = null) =>
        new(new RetryPolicy(options.EffectiveInitialBackoff, options.EffectiveMaxBackoff, options.Seed is { } seed ? new Random(seed) : new Random()),
            time ?? TimeProvider.System);

    /// <summary>Runs <paramref name="attempt"/> (given its 1-based number) until it does not time out on a lock, telling
    /// <paramref name="retrying"/> before each wait.</summary>
    /// <returns>The attempts it took.</returns>
    public async Task<int> RunAsync(MigrationPhase phase, Func<int, Task> attempt, Func<LockRetry, Task> retrying, CancellationToken cancellationToken)
    {
        for (var number = 1; ; number++)
        {
            try
            {
                await attempt(number);
                return number;
            }
            catch (LockTimeoutException e) when (number < phase.Retries)
            {
                var retry = new LockRetry(number, phase.Retries, policy.Delay(number), e);
                await retrying(retry);
                await Task.Delay(retry.Delay, time, cancellationToken);
            }
        }
    }
}

/// <summary>A lock timeout that will be retried: which attempt failed, of how many, and how long the wait before the next is.</summary>
public sealed record LockRetry(int FailedAttempt, int Attempts, TimeSpan Delay, LockTimeoutException Error)
{
    /// <summary>How the journal and the rehearsal report say it.</summary>
    public string Message => $"lock timeout on attempt {FailedAttempt} of {Attempts} ({Error.Message}); retrying in {Delay.TotalMilliseconds:F0} ms";
}
