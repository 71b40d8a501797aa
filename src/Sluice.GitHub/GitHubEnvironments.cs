using Octokit;
using Sluice.Environments.AsCode;
using Sluice.Errors;

namespace Sluice.GitHub;

/// <summary>
/// Environments as code on GitHub: reads what the repository's environments are now, and applies the changes
/// <see cref="EnvironmentChangePlanner"/> lists (a PUT of the environment's whole protection, branch policies added
/// and removed), so a second apply finds nothing to do. Secrets are read by name only. Needs
/// <c>administration: write</c> (environments) and <c>secrets: read</c> (their names), plus <c>members: read</c> for team reviewers.
/// </summary>
public sealed class GitHubEnvironments(GitHubCalls calls)
{
    private const string Administration = "administration: write";
    private GitHubSettings Settings => calls.Settings;
    private string Repo => $"repos/{Settings.Owner}/{Settings.Name}";

    /// <summary>The changes applying <paramref name="file"/> would make, in the file's order.</summary>
    public async Task<IReadOnlyList<EnvironmentChange>> PlanAsync(EnvironmentsFile file, CancellationToken cancellationToken) =>
        EnvironmentChangePlanner.Plan(file.Environments, await ReadAsync(file, cancellationToken));

    /// <summary>Applies the changes (never a secret: those are returned for the caller to report) and returns the missing secrets.</summary>
    public async Task<IReadOnlyList<EnvironmentChange>> ApplyAsync(EnvironmentsFile file, IReadOnlyList<EnvironmentChange> changes, CancellationToken cancellationToken)
    {
        foreach (var change in changes)
        {
            var declared = file.Environments.First(e => string.Equals(e.Name, change.Environment, StringComparison.OrdinalIgnoreCase));
            var policies = $"{Repo}/environments/{Uri.EscapeDataString(declared.Name)}/deployment-branch-policies";
            switch (change.Kind)
            {
                case EnvironmentChangeKind.Create or EnvironmentChangeKind.UpdateProtection:
                    var body = new Dictionary<string, object>
                    {
                        ["wait_timer"] = declared.WaitTimerMinutes,
                        ["prevent_self_review"] = declared.PreventSelfReview,
                        ["reviewers"] = await ReviewerIdsAsync(declared.Reviewers),
                    };
                    if (declared.BranchPolicies.Count > 0)
                        body["deployment_branch_policy"] = new Dictionary<string, object> { ["protected_branches"] = false, ["custom_branch_policies"] = true };
                    await calls.RunAsync($"set environment '{declared.Name}'", Administration, () =>
                        calls.Api.Put<object>(new Uri($"{Repo}/environments/{Uri.EscapeDataString(declared.Name)}", UriKind.Relative), body));
                    break;
                case EnvironmentChangeKind.AddBranchPolicy:
                    await calls.RunAsync($"add branch policy '{change.Detail}' to '{declared.Name}'", Administration, () =>
                        calls.Api.Post<object>(new Uri(policies, UriKind.Relative), new Dictionary<string, object> { ["name"] = change.Detail, ["type"] = "branch" }));
                    break;
                case EnvironmentChangeKind.RemoveBranchPolicy:
                    await calls.RunAsync($"remove branch policy '{change.Detail}' from '{declared.Name}'", Administration, () =>
                        calls.Api.Delete(new Uri($"{policies}/{change.PolicyId}", UriKind.Relative)));
                    break;
            }
        }
        return changes.Where(c => c.Kind == EnvironmentChangeKind.MissingSecret).ToList();
    }

    /// <summary>Throws SLU278 naming every missing secret, so a pipeline never starts without one.</summary>
    public static void ThrowWhenSecretsMissing(EnvironmentsFile file, IReadOnlyList<EnvironmentChange> changes)
    {
        var missing = changes.Where(c => c.Kind == EnvironmentChangeKind.MissingSecret).ToList();
        if (missing.Count == 0) return;
        var first = file.Environments.First(e => e.Name == missing[0].Environment);
        throw SluiceException.Usage(ErrorCodes.SecretMissing,
            $"secrets the environments need do not exist: {string.Join(", ", missing.Select(m => $"{m.Detail} ({m.Environment})"))}",
            "add each in the repository's Settings → Environments → the environment → Secrets (or as a repository secret)", file.Path, first.Line);
    }

    private async Task<IReadOnlyList<HostedEnvironment>> ReadAsync(EnvironmentsFile file, CancellationToken cancellationToken)
    {
        var listed = await calls.RunAsync("read the environments", Administration, () =>
            calls.Api.Get<EnvironmentsResponse>(new Uri($"{Repo}/environments", UriKind.Relative), new Dictionary<string, string> { ["per_page"] = "100" }));
        var repositorySecrets = await SecretNamesAsync($"{Repo}/actions/secrets");
        var hosted = new List<HostedEnvironment>();
        foreach (var environment in listed.Environments.Where(e => file.Environments.Any(d => string.Equals(d.Name, e.Name, StringComparison.OrdinalIgnoreCase))))
        {
            var path = $"{Repo}/environments/{Uri.EscapeDataString(environment.Name)}";
            var rules = environment.ProtectionRules ?? [];
            var reviewers = rules.Where(r => r.Type == "required_reviewers").SelectMany(r => r.Reviewers ?? [])
                .Select(r => r.Type == "Team" ? new Reviewer(ReviewerKind.Team, r.Reviewer.Slug ?? "") : new Reviewer(ReviewerKind.User, r.Reviewer.Login ?? "")).ToList();
            IReadOnlyList<HostedBranchPolicy>? policies = null;
            if (environment.DeploymentBranchPolicy is { CustomBranchPolicies: true })
            {
                var response = await calls.RunAsync($"read the branch policies of '{environment.Name}'", Administration, () =>
                    calls.Api.Get<BranchPoliciesResponse>(new Uri($"{path}/deployment-branch-policies", UriKind.Relative), new Dictionary<string, string> { ["per_page"] = "100" }));
                policies = response.BranchPolicies.Select(p => new HostedBranchPolicy(p.Id, p.Name)).ToList();
            }
            var secrets = (await SecretNamesAsync($"{path}/secrets")).Concat(repositorySecrets).ToList();
            hosted.Add(new HostedEnvironment(environment.Name, reviewers, rules.Any(r => r.PreventSelfReview == true),
                rules.FirstOrDefault(r => r.Type == "wait_timer")?.WaitTimer ?? 0, policies, secrets));
        }
        return hosted;
    }

    private async Task<IReadOnlyList<string>> SecretNamesAsync(string path)
    {
        var response = await calls.RunAsync("read secret names", "secrets: read", () =>
            calls.Api.Get<SecretsResponse>(new Uri(path, UriKind.Relative), new Dictionary<string, string> { ["per_page"] = "100" }));
        return response.Secrets.Select(s => s.Name).ToList();
    }

    private async Task<List<Dictionary<string, object>>> ReviewerIdsAsync(IReadOnlyList<Reviewer> reviewers)
    {
        var ids = new List<Dictionary<string, object>>();
        foreach (var reviewer in reviewers)
        {
            var id = reviewer.Kind == ReviewerKind.Team
                ? (await calls.RunAsync($"find team '{reviewer.Name}'", "members: read", () => calls.Api.GetAll<Team>(new Uri($"orgs/{Settings.Owner}/teams", UriKind.Relative))))
                    .FirstOrDefault(t => string.Equals(t.Slug, reviewer.Name, StringComparison.OrdinalIgnoreCase))?.Id
                    ?? throw SluiceException.Usage(ErrorCodes.BadEnvironmentsFile, $"no team '{reviewer.Name}' in {Settings.Owner}", "name a team slug of the repository's organization")
                : (await calls.RunAsync($"find user '{reviewer.Name}'", "members: read", () => calls.Client.User.Get(reviewer.Name))).Id;
            ids.Add(new Dictionary<string, object> { ["type"] = reviewer.Kind == ReviewerKind.Team ? "Team" : "User", ["id"] = id });
        }
        return ids;
    }
}

// The shapes of GitHub's environment answers that Octokit has no types for; Octokit maps snake_case onto these names.
internal sealed class EnvironmentsResponse
{
    public IReadOnlyList<EnvironmentResponse> Environments { get; set; } = [];
}

internal sealed class EnvironmentResponse
{
    public string Name { get; set; } = "";
    public IReadOnlyList<ProtectionRuleResponse>? ProtectionRules { get; set; }
    public BranchPolicySettingResponse? DeploymentBranchPolicy { get; set; }
}

internal sealed class ProtectionRuleResponse
{
    public string Type { get; set; } = "";
    public bool? PreventSelfReview { get; set; }
    public int? WaitTimer { get; set; }
    public IReadOnlyList<RuleReviewerResponse>? Reviewers { get; set; }
}

internal sealed class RuleReviewerResponse
{
    public string Type { get; set; } = "";
    public ReviewerResponse Reviewer { get; set; } = new();
}

internal sealed class ReviewerResponse
{
    public long Id { get; set; }
    public string? Login { get; set; }
    public string? Slug { get; set; }
}

internal sealed class BranchPolicySettingResponse
{
    public bool ProtectedBranches { get; set; }
    public bool CustomBranchPolicies { get; set; }
}

internal sealed class BranchPoliciesResponse
{
    public IReadOnlyList<BranchPolicyResponse> BranchPolicies { get; set; } = [];
}

internal sealed class BranchPolicyResponse
{
    public long Id { get; set; }
    public string Name { get; set; } = "";
}

internal sealed class SecretsResponse
{
    public IReadOnlyList<SecretResponse> Secrets { get; set; } = [];
}

internal sealed class SecretResponse
{
    public string Name { get; set; } = "";
}
