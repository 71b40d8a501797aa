namespace Sluice.Migrations.Running;

/// <summary>
/// Exponential backoff with jitter for lock timeouts: the n-th retry waits a random time between half and all of
/// <c>min(initial * 2^(n-1), max)</c>, so runners that collided do not collide again in step.
/// </summary>
public sealed class RetryPolicy(TimeSpan initial, TimeSpan max, Random random)
{
    public TimeSpan Delay(int failedAttempt)
    {
        var exponent = Math.Min(failedAttempt - 1, 30);
        var ceiling = Math.Min(initial.TotalMilliseconds * Math.Pow(2, exponent), max.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(ceiling * (0.5 + random.NextDouble() / 2));
    }
}
