namespace Sluice.Aws.Rds;

/// <summary>How the RDS client retries throttled calls.</summary>
/// <param name="Attempts">Calls in all before a throttled one fails (<c>SLU289</c>).</param>
/// <param name="ThrottleFirstDelay">The first wait when RDS gives no <c>Retry-After</c>; doubles each time.</param>
/// <param name="ThrottleMaxDelay">The longest wait between two calls, whatever <c>Retry-After</c> says.</param>
public sealed record RdsOptions(int Attempts, TimeSpan ThrottleFirstDelay, TimeSpan ThrottleMaxDelay)
{
    /// <summary>Six calls, 1 s doubling to 30 s: the AWS SDKs' standard retry mode waits about as long.</summary>
    public static RdsOptions Default { get; } = new(6, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));
}
