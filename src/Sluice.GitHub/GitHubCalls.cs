using System.Net;
using Octokit;
using Octokit.Internal;
using Sluice.Errors;

namespace Sluice.GitHub;

/// <summary>
/// The one Octokit client of a run, and the translation of its failures: a 403/404 that GitHub explains with
/// <c>x-accepted-github-permissions</c> or "Resource not accessible by integration" becomes SLU275 naming the
/// permission the part needs; a rate limit or server error left after <see cref="GitHubRetryHandler"/>'s retries is SLU276.
/// </summary>
public sealed class GitHubCalls
{
    internal GitHubCalls(GitHubSettings settings, TimeProvider? time = null)
    {
        Settings = settings;
        var handler = new GitHubRetryHandler(settings.MaxWait, time ?? TimeProvider.System, new HttpClientHandler { AllowAutoRedirect = false });
        var connection = new Connection(new ProductHeaderValue("Sluice"), settings.ApiUrl, new InMemoryCredentialStore(new Credentials(settings.Token)),
            new HttpClientAdapter(() => handler), new SimpleJsonSerializer());
        Client = new GitHubClient(connection);
        Api = new ApiConnection(connection);
    }

    /// <summary>Opens the client for <paramref name="settings"/>.</summary>
    public static GitHubCalls Open(GitHubSettings settings) => new(settings);

    internal GitHubSettings Settings { get; }

    internal GitHubClient Client { get; }

    internal ApiConnection Api { get; }

    /// <summary>Runs one call of a part that needs <paramref name="permission"/> (e.g. <c>deployments: write</c>), translating its failures.</summary>
    internal async Task<T> RunAsync<T>(string what, string permission, Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (ApiException e) when (e.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.NotFound or HttpStatusCode.TooManyRequests || (int)e.StatusCode >= 500)
        {
            throw Translate(what, permission, e);
        }
    }

    internal Task RunAsync(string what, string permission, Func<Task> call) =>
        RunAsync(what, permission, async () => { await call(); return true; });

    internal SluiceException Translate(string what, string permission, ApiException e)
    {
        var accepted = e.HttpResponse?.Headers.FirstOrDefault(h => string.Equals(h.Key, "x-accepted-github-permissions", StringComparison.OrdinalIgnoreCase)).Value;
        var message = e.ApiError?.Message ?? e.Message;
        var rateLimited = e is RateLimitExceededException or SecondaryRateLimitExceededException || e.StatusCode == HttpStatusCode.TooManyRequests
            || (e.HttpResponse?.Headers.Any(h => string.Equals(h.Key, "retry-after", StringComparison.OrdinalIgnoreCase)) ?? false);
        if (rateLimited || (int)e.StatusCode >= 500)
        {
            var reset = e is RateLimitExceededException limit ? $"; the limit resets at {limit.Reset:u}" : "";
            return new SluiceException(ErrorKind.Failure, ErrorCodes.GitHubUnavailable,
                $"GitHub did not answer {what} in {Settings.Repository}: {(int)e.StatusCode} {message} after the retries{reset}",
                "run again later; a rate limit longer than the wait cap is not waited out", inner: e);
        }
        if (accepted is not null || message.Contains("not accessible by", StringComparison.OrdinalIgnoreCase)
            || message.Contains("permission", StringComparison.OrdinalIgnoreCase))
        {
            var needed = accepted is { Length: > 0 } ? string.Join(" or ", accepted.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(p => p.Replace("=", ": "))) : permission;
            return SluiceException.Usage(ErrorCodes.GitHubPermissionMissing,
                $"the GitHub token cannot {what} in {Settings.Repository}: it lacks '{needed}' ({(int)e.StatusCode} {message})",
                $"give the token '{needed}' (workflow: permissions: {{ {needed.Split(" or ")[0]} }}); see docs/github.md", inner: e);
        }
        return new SluiceException(ErrorKind.Failure, ErrorCodes.GitHubUnavailable,
            $"GitHub refused to {what} in {Settings.Repository}: {(int)e.StatusCode} {message}", $"check that the token may '{permission}' and the repository exists", inner: e);
    }
}
