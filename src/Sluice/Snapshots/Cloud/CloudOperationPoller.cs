using Sluice.Errors;

namespace Sluice.Snapshots.Cloud;

/// <summary>
/// Waits for a provider resource to reach a state: asks again with a back-off that doubles from
/// <see cref="CloudPolling.FirstDelay"/> to <see cref="CloudPolling.MaxDelay"/>, until the time limit, honouring
/// cancellation between asks.
/// <list type="number">
/// <item>The wanted state ends the wait.</item>
/// <item><see cref="CloudState.Failed"/> ends it with <c>SLU287</c>, naming the provider's status.</item>
/// <item><see cref="CloudState.Gone"/> is waited through while the resource may not be visible yet (describe calls
/// are eventually consistent), for at most <see cref="CloudPolling.GoneGrace"/>; after that it is <c>SLU287</c>.</item>
/// <item>Anything else is waited through until the time limit, then <c>SLU286</c> naming the last status.</item>
/// </list>
/// </summary>
public sealed class CloudOperationPoller(CloudPolling polling, TimeProvider? timeProvider = null)
{
    private readonly TimeProvider _clock = timeProvider ?? TimeProvider.System;

    /// <param name="what">What is waited for, for messages: <c>rds snapshot sluice-prod-...</c>.</param>
    /// <param name="describe">One ask.</param>
    /// <param name="wanted">The state that ends the wait.</param>
    /// <param name="limit">How long to wait in all.</param>
    public async Task<CloudResource> WaitAsync(string what, Func<CancellationToken, Task<CloudResource>> describe, CloudState wanted,
        TimeSpan limit, CancellationToken cancellationToken)
    {
        var started = _clock.GetTimestamp();
        var delay = polling.FirstDelay;
        while (true)
        {
            var resource = await describe(cancellationToken);
            var elapsed = _clock.GetElapsedTime(started);
            if (resource.State == wanted) return resource;
            if (resource.State == CloudState.Failed)
                throw new SluiceException(ErrorKind.Failure, ErrorCodes.CloudOperationFailed,
                    $"{what} failed at the provider (status '{resource.Status}')", "see the provider's events for the cause; nothing was left running by Sluice");
            if (resource.State == CloudState.Gone && wanted != CloudState.Gone && elapsed > polling.GoneGrace)
                throw new SluiceException(ErrorKind.Failure, ErrorCodes.CloudOperationFailed,
                    $"{what} is not listed by the provider {Migrations.Plans.Durations.Format(elapsed)} after it was started",
                    "it was deleted or never made; see the provider's events");
            if (elapsed >= limit)
                throw new SluiceException(ErrorKind.Failure, ErrorCodes.CloudOperationTimedOut,
                    $"{what} is still '{resource.Status}' after {Migrations.Plans.Durations.Format(elapsed)} (limit {Migrations.Plans.Durations.Format(limit)})",
                    "raise cloud.operation_timeout for a large database, or look at the provider's events");
            var wait = delay < limit - elapsed ? delay : limit - elapsed;
            await Task.Delay(wait, _clock, cancellationToken);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, polling.MaxDelay.Ticks));
        }
    }
}

/// <summary>How often a long-running operation is asked about.</summary>
/// <param name="FirstDelay">The first wait between asks.</param>
/// <param name="MaxDelay">The longest wait between asks.</param>
/// <param name="GoneGrace">How long a resource that was started may stay unlisted (eventual consistency).</param>
public sealed record CloudPolling(TimeSpan FirstDelay, TimeSpan MaxDelay, TimeSpan GoneGrace)
{
    /// <summary>For real providers: 5 s doubling to 60 s, a started resource unlisted for up to 2 min.</summary>
    public static CloudPolling Default { get; } = new(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(60), TimeSpan.FromMinutes(2));
}
