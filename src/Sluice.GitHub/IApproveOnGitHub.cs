using Sluice.Environments;
using Sluice.Targets;

namespace Sluice.GitHub;

/// <summary>
/// GitHub reviews as approvals, for every environment whose <c>gates.approvals_from</c> lists <c>"github"</c>: the
/// approvals gate (in Gate and Promote) counts the pull request's reviews of its head commit and the run's environment
/// reviews, by members of the plan's owner team other than the pull request's author (<see cref="GitHubApprovalSource"/>),
/// each signing the evidence that existed when it was given (<see cref="Gates.ReviewedEvidence"/>). The pull request is
/// <c>--pull-request</c>, else the CI run's, else the one the released commit (<c>GITHUB_SHA</c>) belongs to. Needs the
/// repository and a token with <c>pull-requests: read</c>, <c>actions: read</c> and organization <c>members: read</c>;
/// without them a run on such an environment stops before it touches anything (SLU281).
/// </summary>
public interface IApproveOnGitHub : IConfigureGitHub, ISluiceComponent
{
    Func<Migrations.Plans.ServicePlans, Gates.IApprovalSource>? ISluiceComponent.CodeReviews
    {
        get
        {
            var settings = ConfiguredGitHub() ?? throw Errors.SluiceException.Usage(Errors.ErrorCodes.GitHubNotConfigured,
                $"the environment '{Env}' takes approvals from GitHub, but GitHub is off: no repository and token",
                "run in a GitHub Actions job whose pipeline grants pull-requests: read (GITHUB_REPOSITORY, GITHUB_TOKEN), or pass --git-hub-repository OWNER/NAME and --git-hub-token; see docs/github.md");
            var run = GitHubRun.FromEnvironment(EnvironmentRequest.ProcessVariables());
            var pull = PullRequest ?? run.PullRequest;
            if (pull is null && run.Sha is null)
                throw Errors.SluiceException.Usage(Errors.ErrorCodes.GitHubNotConfigured,
                    $"the environment '{Env}' takes approvals from GitHub, but this run names no pull request and no commit",
                    "pass --pull-request N, or run in a GitHub Actions job (GITHUB_REF of a pull request, or GITHUB_SHA)");
            return plans => new GitHubApprovalSource(GitHubCalls.Open(settings), pull, run.Sha, run.RunId, plans.Plans);
        }
    }
}
