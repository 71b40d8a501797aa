using System.Globalization;
using System.Net;

namespace Sluice.GitHub;

/// <summary>
/// Retries GitHub's "not now" answers below Octokit, so every part gets the same rules:
/// <list type="number">
/// <item>429, or 403 with <c>retry-after</c> (a secondary rate limit) → wait <c>retry-after</c> seconds, then retry;</item>
/// <item>429 or 403 with <c>x-ratelimit-remaining: 0</c> → wait until <c>x-ratelimit-reset</c> (epoch seconds), then retry;</item>
/// <item>a wait longer than the cap → no retry: the answer goes up and becomes SLU276 naming the reset;</item>
/// <item>5xx → retry after 1 s, 2 s, then give up (SLU276);</item>
/// <item>anything else, including a 403 without those headers (a missing permission) → returned as is.</item>
/// </list>
/// </summary>
internal sealed class GitHubRetryHandler(TimeSpan maxWait, TimeProvider time, HttpMessageHandler inner) : DelegatingHandler(inner)
{
    private const int MaxAttempts = 4;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // Octokit's content is buffered so a retry can send it again.
        var body = request.Content is null ? null : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        var contentType = request.Content?.Headers.ContentType;
        for (var attempt = 1; ; attempt++)
        {
            if (body is not null)
            {
                request.Content = new ByteArrayContent(body);
                request.Content.Headers.ContentType = contentType;
            }
            var response = await base.SendAsync(request, cancellationToken);
            var wait = WaitBefore(response, attempt);
            if (wait is null || attempt >= MaxAttempts || wait > maxWait) return response;
            response.Dispose();
            await Task.Delay(wait.Value, time, cancellationToken);
        }
    }

    /// <summary>How long to wait before retrying <paramref name="response"/>; null when it is not retried.</summary>
    internal TimeSpan? WaitBefore(HttpResponseMessage response, int attempt)
    {
        var status = (int)response.StatusCode;
        if (status >= 500) return TimeSpan.FromSeconds(attempt);
        if (response.StatusCode is not (HttpStatusCode.TooManyRequests or HttpStatusCode.Forbidden)) return null;
        if (response.Headers.RetryAfter is { Delta: { } delta }) return delta;
        if (response.Headers.RetryAfter is { Date: { } date }) return Max(date - time.GetUtcNow());
        if (Header(response, "x-ratelimit-remaining") == "0"
            && long.TryParse(Header(response, "x-ratelimit-reset"), NumberStyles.None, CultureInfo.InvariantCulture, out var reset))
            return Max(DateTimeOffset.FromUnixTimeSeconds(reset) - time.GetUtcNow());
        return response.StatusCode == HttpStatusCode.TooManyRequests ? TimeSpan.FromSeconds(attempt) : null;
    }

    private static TimeSpan Max(TimeSpan wait) => wait < TimeSpan.Zero ? TimeSpan.Zero : wait;

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}
