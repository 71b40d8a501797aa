using Sluice.Environments.AsCode;
using Sluice.Errors;
using Sluice.Gates;
using Sluice.Migrations.Plans;

namespace Sluice.Tests;

/// <summary>The rules of <see cref="LocalApprovalRules"/>, <see cref="OwnerReviewRules"/> and
/// <see cref="EnvironmentChangePlanner"/>, row by row, and the strict reading of the environments file.</summary>
public sealed class GitHubDomainRulesTests
{
    private static readonly MigrationPlan Plan = new("0001_split", "team-shop", MigrationRisk.Medium, "split", TimeSpan.FromHours(1), [], "/p", "/p/plan.yaml", "hash");
    private static readonly ApproverIdentity Grace = new("grace", "grace@shop.invalid");

    private static string Refused(string? by, ApproverIdentity runner, params string[] declared) =>
        Assert.Throws<SluiceException>(() => LocalApprovalRules.Check(by, runner, [Plan], declared)).Code;

    [Fact]
    public void Local1_no_approver_is_refused() => Assert.Equal(ErrorCodes.MissingApprover, Refused(" ", Grace));

    [Fact]
    public void Local2_the_owner_named_by_by_is_refused() => Assert.Equal(ErrorCodes.SelfApproval, Refused("team-shop", Grace));

    [Fact]
    public void Local3_a_runner_who_owns_the_plan_is_refused_whatever_by_says() =>
        Assert.Equal(ErrorCodes.SelfApproval, Refused("grace", new ApproverIdentity("team-shop", null)));

    [Fact]
    public void Local4_by_naming_someone_else_is_refused() => Assert.Equal(ErrorCodes.ApproverNotRunner, Refused("linus", Grace));

    [Fact]
    public void Local5_a_runner_who_is_not_a_declared_approver_is_refused() =>
        Assert.Equal(ErrorCodes.ApproverNotDeclared, Refused("grace", Grace, "linus", "hopper"));

    [Fact]
    public void Local6_the_runner_by_os_user_or_git_email_is_recorded()
    {
        Assert.Equal("grace", LocalApprovalRules.Check("grace", Grace, [Plan], []));
        Assert.Equal("grace@shop.invalid", LocalApprovalRules.Check("grace@shop.invalid", Grace, [Plan], ["grace@shop.invalid"]));
    }

    private static readonly DateTimeOffset T = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static IReadOnlyList<string> Count(params Review[] reviews) =>
        OwnerReviewRules.Approvers(reviews, "staging", "head", "ada", ["ada", "grace", "linus"]);

    [Fact]
    public void Review1_an_environment_review_for_another_environment_is_ignored() =>
        Assert.Empty(Count(new Review("grace", ReviewState.Approved, T, Environment: "production")));

    [Fact]
    public void Review2_a_review_of_another_commit_is_ignored() =>
        Assert.Empty(Count(new Review("grace", ReviewState.Approved, T, CommitId: "old")));

    [Fact]
    public void Review3_a_later_change_request_withdraws_an_approval_and_a_comment_does_not()
    {
        Assert.Empty(Count(new Review("grace", ReviewState.Approved, T), new Review("grace", ReviewState.ChangesRequested, T.AddMinutes(1))));
        Assert.Equal(["grace"], Count(new Review("grace", ReviewState.Approved, T), new Review("grace", ReviewState.Commented, T.AddMinutes(1))));
    }

    [Fact]
    public void Review4_a_review_that_is_not_an_approval_is_ignored() => Assert.Empty(Count(new Review("grace", ReviewState.Rejected, T)));

    [Fact]
    public void Review5_the_author_is_ignored() => Assert.Empty(Count(new Review("ada", ReviewState.Approved, T, CommitId: "head")));

    [Fact]
    public void Review6_a_non_owner_is_ignored() => Assert.Empty(Count(new Review("mallory", ReviewState.Approved, T)));

    [Fact]
    public void Review7_an_owner_counts_once() =>
        Assert.Equal(["grace"], Count(new Review("grace", ReviewState.Approved, T, CommitId: "head"), new Review("grace", ReviewState.Approved, T, Environment: "staging")));

    private static readonly DeclaredEnvironment Staging = new("staging", [new Reviewer(ReviewerKind.Team, "team-shop")], true, 5, ["main"], ["DATABASE"], 3);

    private static HostedEnvironment Hosted(IReadOnlyList<Reviewer>? reviewers = null, bool preventSelfReview = true, int wait = 5,
        IReadOnlyList<HostedBranchPolicy>? policies = null, params string[] secrets) =>
        new("staging", reviewers ?? [new Reviewer(ReviewerKind.Team, "team-shop")], preventSelfReview, wait, policies ?? [new HostedBranchPolicy(1, "main")],
            secrets.Length == 0 ? ["DATABASE"] : secrets);

    private static IReadOnlyList<EnvironmentChange> Changes(params HostedEnvironment[] hosted) => EnvironmentChangePlanner.Plan([Staging], hosted);

    [Fact]
    public void Plan1_a_missing_environment_is_created_with_its_branch_policies() =>
        Assert.Equal([EnvironmentChangeKind.Create, EnvironmentChangeKind.AddBranchPolicy, EnvironmentChangeKind.MissingSecret], Changes().Select(c => c.Kind));

    [Fact]
    public void Plan2_other_protection_is_one_update_naming_each_difference()
    {
        var change = Assert.Single(Changes(Hosted(reviewers: [new Reviewer(ReviewerKind.User, "linus")], preventSelfReview: false, wait: 0)));
        Assert.Equal(EnvironmentChangeKind.UpdateProtection, change.Kind);
        Assert.Equal("reviewers [linus] → [team team-shop]; prevent_self_review off → on; wait timer 0 → 5 min", change.Detail);
        // Back to any branch: the restriction goes, and so do the patterns it held.
        Assert.Equal(["update protection of staging: declared branches only → any branch", "remove branch policy from staging: main"],
            EnvironmentChangePlanner.Plan([Staging with { BranchPolicies = [] }], [Hosted()]).Select(c => c.ToString()));
    }

    [Fact]
    public void Plan3_a_missing_branch_pattern_is_added() =>
        Assert.Equal(new EnvironmentChange(EnvironmentChangeKind.AddBranchPolicy, "staging", "main"), Assert.Single(Changes(Hosted(policies: []))));

    [Fact]
    public void Plan4_an_undeclared_branch_pattern_is_removed_by_its_id() =>
        Assert.Equal(new EnvironmentChange(EnvironmentChangeKind.RemoveBranchPolicy, "staging", "dev", 7),
            Assert.Single(Changes(Hosted(policies: [new HostedBranchPolicy(1, "main"), new HostedBranchPolicy(7, "dev")]))));

    [Fact]
    public void Plan5_a_secret_the_environment_cannot_read_is_reported() =>
        Assert.Equal(new EnvironmentChange(EnvironmentChangeKind.MissingSecret, "staging", "DATABASE"), Assert.Single(Changes(Hosted(secrets: "OTHER"))));

    [Fact]
    public void Plan6_an_undeclared_environment_on_the_host_is_left_alone() =>
        Assert.Empty(Changes(Hosted(), Hosted() with { Name = "sandbox", Reviewers = [] }));

    [Fact]
    public void Plan7_everything_as_declared_changes_nothing() => Assert.Empty(Changes(Hosted()));

    [Fact]
    public void The_sample_environments_file_reads()
    {
        var file = EnvironmentsFileReader.Read(Path.Combine(RepositoryFiles.Root, EnvironmentsFile.RelativePath));
        Assert.Equal(["staging", "production"], file.Environments.Select(e => e.Name));
        Assert.Equal(["grace"], file.DeclaredUsers("production"));
    }

    [Theory]
    [InlineData("environments:\n  staging:\n    reviwers: []\n", 3, "unknown key 'reviwers'")]
    [InlineData("environments:\n  staging:\n    wait_timer: soon\n", 3, "'wait_timer'")]
    [InlineData("environments:\n  staging:\n    reviewers:\n      - user: a\n        team: b\n", 4, "either { user: LOGIN } or { team: SLUG }")]
    [InlineData("environments:\n  staging:\n    secrets: [A, A]\n", 3, "listed twice")]
    [InlineData("environments: [staging]\n", 1, "must be a mapping")]
    [InlineData("environments:\n  staging: {\n", 3, "not valid YAML")]
    public void A_bad_environments_file_is_SLU277_at_its_line(string text, int line, string message)
    {
        var error = Assert.Throws<SluiceException>(() => EnvironmentsFileReader.Parse(text, "/repo/.github/sluice-environments.yaml"));
        Assert.Equal((ErrorCodes.BadEnvironmentsFile, ErrorKind.Usage, "/repo/.github/sluice-environments.yaml"), (error.Code, error.Kind, error.File));
        Assert.Equal(line, error.Line);
        Assert.Contains(message, error.Message);
    }
}
