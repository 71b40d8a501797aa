namespace Sluice.Traffic.Instances;

/// <summary>
/// Asks one address until it answers 2xx or the process behind it exits. The caller owns the deadline (its token), so a
/// service start and a drill's time to restore can each say what their limit was; <see cref="LastAnswer"/> says why it
/// was not ready when the deadline came.
/// </summary>
public sealed class ReadinessProbe(Uri address)
{
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(50);

    public Uri Address => address;

    /// <summary>The last status, connection error or timeout seen; "no answer yet" before the first.</summary>
    public string LastAnswer { get; private set; } = "no answer yet";

    /// <summary>True once the address answers 2xx, false if <paramref name="hasExited"/> says the process is gone;
    /// an <see cref="OperationCanceledException"/> when <paramref name="deadline"/> fires.</summary>
    public async Task<bool> WaitAsync(Func<bool> hasExited, CancellationToken deadline)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        while (true)
        {
            if (hasExited()) return false;
            try
            {
                using var response = await client.GetAsync(address, deadline);
                if (response.IsSuccessStatusCode) return true;
                LastAnswer = $"{(int)response.StatusCode} {response.ReasonPhrase}";
            }
            catch (HttpRequestException e)
            {
                LastAnswer = e.Message;
            }
            catch (TaskCanceledException) when (!deadline.IsCancellationRequested)
            {
                // One slow answer (a busy machine, a cold database pool) is not the end: ask again until the deadline.
                LastAnswer = "a request timed out";
            }
            await Task.Delay(Pause, deadline);
        }
    }
}
