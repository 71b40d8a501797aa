namespace Sluice.GitHub;

/// <summary>
/// Where and how Sluice reaches GitHub: the repository, the token, and which parts are on. Each part is off unless
/// switched on; <see cref="FromEnvironment"/> reads the variables a GitHub Actions job has.
/// </summary>
/// <param name="Repository"><c>owner/name</c>.</param>
/// <param name="ApiUrl">The REST API's base (GitHub.com's, an Enterprise server's, or a local fake's).</param>
/// <param name="MaxWait">The longest a rate limit is waited out; a later reset fails the call (SLU276).</param>
public sealed record GitHubSettings(string Repository, string Token, Uri ApiUrl, TimeSpan MaxWait)
{
    public static readonly Uri GitHubDotCom = new("https://api.github.com/");

    public string Owner => Repository.Split('/')[0];

    public string Name => Repository.Split('/')[1];

    /// <summary>The settings of a GitHub Actions job (<c>GITHUB_REPOSITORY</c>, <c>GITHUB_TOKEN</c> or <c>SLUICE_GITHUB_TOKEN</c>, <c>GITHUB_API_URL</c>); null outside one.</summary>
    public static GitHubSettings? FromEnvironment(IReadOnlyDictionary<string, string> variables)
    {
        string? Get(string name) => variables.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value : null;
        var repository = Get("GITHUB_REPOSITORY");
        var token = Get("SLUICE_GITHUB_TOKEN") ?? Get("GITHUB_TOKEN");
        if (repository is null || token is null) return null;
        return new GitHubSettings(repository, token, Get("GITHUB_API_URL") is { } api ? new Uri(api.TrimEnd('/') + "/") : GitHubDotCom, TimeSpan.FromMinutes(2));
    }

    public override string ToString() => $"{Repository} at {ApiUrl}"; // never the token
}
