using Sluice.Errors;

namespace Sluice.Canary;

/// <summary>
/// Read-modify-write against a router's API under optimistic concurrency: each attempt reads the current object,
/// changes the weights and writes it back, and reports <c>false</c> when the API answered that someone else changed
/// it in between (HTTP 409). A conflict is retried from a fresh read, never by writing the stale object again.
/// </summary>
public static class ConcurrentChangeRetry
{
    /// <summary>How many attempts before giving up; a human or a controller that keeps changing the route wins.</summary>
    public const int Attempts = 5;

    public static async Task RunAsync(string address, Func<CancellationToken, Task<bool>> attempt, CancellationToken cancellationToken)
    {
        for (var n = 1; n <= Attempts; n++)
        {
            if (await attempt(cancellationToken).ConfigureAwait(false)) return;
            if (n < Attempts) await Task.Delay(TimeSpan.FromMilliseconds(20 * n), cancellationToken).ConfigureAwait(false);
        }
        throw new SluiceException(ErrorKind.Failure, ErrorCodes.RouterConflict,
            $"the traffic weights at {address} changed under Sluice on each of {Attempts} attempts (HTTP 409); this change was not applied",
            "find who else edits the route (a GitOps controller, another rollout tool, a person) and leave the weights to one owner");
    }
}
