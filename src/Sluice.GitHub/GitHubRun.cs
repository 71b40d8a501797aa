namespace Sluice.GitHub;

/// <summary>
/// What a GitHub Actions job tells a build about its run, from the job's variables: the commit, the log's address,
/// and the pull request a <c>pull_request</c> run belongs to. Outside Actions every part is null.
/// </summary>
/// <param name="RunId">The Actions run (<c>GITHUB_RUN_ID</c>), whose environment reviews approve it.</param>
public sealed record GitHubRun(string? Sha, Uri? LogUrl, int? PullRequest, long? RunId = null)
{
    public static GitHubRun FromEnvironment(IReadOnlyDictionary<string, string> variables)
    {
        string? Get(string name) => variables.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value : null;
        Uri? log = Get("GITHUB_SERVER_URL") is { } server && Get("GITHUB_REPOSITORY") is { } repository && Get("GITHUB_RUN_ID") is { } run
            ? new Uri($"{server.TrimEnd('/')}/{repository}/actions/runs/{run}")
            : null;
        // A pull request's run checks out refs/pull/N/merge.
        int? pull = Get("GITHUB_REF") is { } gitRef && gitRef.Split('/') is ["refs", "pull", var number, _] && int.TryParse(number, out var n) ? n : null;
        return new GitHubRun(Get("GITHUB_SHA"), log, pull, long.TryParse(Get("GITHUB_RUN_ID"), out var id) ? id : null);
    }
}
