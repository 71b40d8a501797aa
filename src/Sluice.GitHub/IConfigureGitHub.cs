using Sluice.Build;
using Sluice.Environments.AsCode;
using Sluice.Environments;

namespace Sluice.GitHub;

/// <summary>
/// <c>PlanGitHub</c> prints what <c>.github/sluice-environments.yaml</c> would change on the repository's
/// environments (reviewers, self-review, wait timer, branch policies, missing secrets) and changes nothing;
/// <c>ConfigureGitHub</c> prints the same plan, applies it, and fails with SLU278 when a declared secret is missing.
/// The engine's own <c>--plan</c> prints the target graph, so the dry run is a target of its own.
/// Lives here, not in Sluice.Targets, so a build that does not use GitHub does not take Octokit.
/// </summary>
public interface IConfigureGitHub : ISluiceBuild
{
    [Parameter("ConfigureGitHub: the token (default: SLUICE_GITHUB_TOKEN or GITHUB_TOKEN)"), Secret]
    string? GitHubToken => this.Parameter<string>();

    [Parameter("ConfigureGitHub: the repository, owner/name (default: GITHUB_REPOSITORY)")]
    string? GitHubRepository => this.Parameter<string>();

    [Parameter("ConfigureGitHub: the REST API's address (default: GITHUB_API_URL or https://api.github.com/)")]
    string? GitHubApiUrl => this.Parameter<string>();

    [Parameter("The pull request a run belongs to, for CommentReport and GitHub approvals (default: the pull request of the CI run, or of its commit)")]
    int? PullRequest => this.Parameter<int?>();

    Target PlanGitHub => _ => _
        .Description("Prints the changes ConfigureGitHub would make to the repository's environments; changes nothing")
        .Executes(async ct =>
        {
            var (file, environments) = Open();
            Print(file, await environments.PlanAsync(file, ct));
        });

    Target ConfigureGitHub => _ => _
        .Description("Applies .github/sluice-environments.yaml to the repository's environments (reviewers, branch policies); reports missing secrets")
        .Executes(async ct =>
        {
            var (file, environments) = Open();
            var changes = await environments.PlanAsync(file, ct);
            Print(file, changes);
            GitHubEnvironments.ThrowWhenSecretsMissing(file, await environments.ApplyAsync(file, changes, ct));
        });

    private (EnvironmentsFile File, GitHubEnvironments Environments) Open()
    {
        var file = EnvironmentsFileReader.Read(Root / EnvironmentsFile.RelativePath);
        var settings = ConfiguredGitHub() ?? throw Errors.SluiceException.Usage(Errors.ErrorCodes.GitHubNotConfigured, "ConfigureGitHub needs the repository (owner/name) and a token",
            "pass --git-hub-repository OWNER/NAME and --git-hub-token (or set GITHUB_REPOSITORY and GITHUB_TOKEN)");
        return (file, new GitHubEnvironments(GitHubCalls.Open(settings)));
    }

    /// <summary>The repository and token from the parameters, else from the CI job's variables; null when either is
    /// missing (the part is off). The token is registered as a secret.</summary>
    protected GitHubSettings? ConfiguredGitHub()
    {
        var fromCi = GitHubSettings.FromEnvironment(EnvironmentRequest.ProcessVariables());
        var token = GitHubToken ?? fromCi?.Token;
        var repository = GitHubRepository ?? fromCi?.Repository;
        if (token is null || repository is null || repository.Split('/').Length != 2) return null;
        AddSecret(token);
        var api = GitHubApiUrl is { } url ? new Uri(url.TrimEnd('/') + "/") : fromCi?.ApiUrl ?? GitHubSettings.GitHubDotCom;
        return new GitHubSettings(repository, token, api, TimeSpan.FromMinutes(2));
    }

    private void Print(EnvironmentsFile file, IReadOnlyList<EnvironmentChange> changes)
    {
        if (changes.Count == 0) Host.Info($"GitHub environments match {EnvironmentsFile.RelativePath}: nothing to change");
        foreach (var change in changes) Host.Info(change.ToString());
        Host.AppendSummary($"### GitHub environments\n\n{(changes.Count == 0 ? "nothing to change" : string.Join("\n", changes.Select(c => $"- {c}")))}\n");
    }
}
