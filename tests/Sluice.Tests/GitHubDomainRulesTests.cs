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

    private static IReadOnlyList<(string Reviewer, string Commit)> Pushed(params Review[] reviews) =>
        OwnerReviewRules.PushedOver(reviews, "head", "ada", ["ada", "grace", "linus"]);

    [Fact]
    public void Pushed1_an_owner_counting_at_the_head_is_not_void() =>
        Assert.Empty(Pushed(new Review("grace", ReviewState.Approved, T, CommitId: "old"), new Review("grace", ReviewState.Approved, T.AddMinutes(1), CommitId: "head")));

    [Fact]
    public void Pushed2_a_withdrawn_approval_is_not_void_but_withdrawn() =>
        Assert.Empty(Pushed(new Review("grace", ReviewState.Approved, T, CommitId: "old"), new Review("grace", ReviewState.ChangesRequested, T.AddMinutes(1), CommitId: "old")));

    [Fact]
    public void Pushed3_an_approval_of_no_known_commit_is_not_void() => Assert.Empty(Pushed(new Review("grace", ReviewState.Approved, T)));

    [Fact]
    public void Pushed4_the_authors_or_a_non_owners_approval_of_an_old_commit_is_not_void_it_never_counted() =>
        Assert.Empty(Pushed(new Review("ada", ReviewState.Approved, T, CommitId: "old"), new Review("mallory", ReviewState.Approved, T, CommitId: "old")));

    [Fact]
    public void Pushed5_an_owners_approval_of_a_commit_a_push_replaced_is_void_naming_the_commit() =>
        Assert.Equal([("grace", "old")], Pushed(new Review("grace", ReviewState.Approved, T, CommitId: "old"), new Review("grace", ReviewState.Commented, T.AddMinutes(1), CommitId: "head")));

    private static readonly SignedEvidence Now = new("planhash", "2026-01-01T10:00:00.000Z", "20260101T090000Z-aaaaaa", "any time (no calendar)");
    private static readonly DateTimeOffset Rehearsed = new(2026, 1, 1, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Verified = new(2026, 1, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Signed1_a_review_signs_the_plan_hash_and_the_window_as_they_are_now() =>
        Assert.Equal((Now.PlanHash, Now.ChangeWindow), ReviewedEvidence.Sign(Now, Rehearsed.AddHours(1), Rehearsed, Verified) is var s ? (s.PlanHash, s.ChangeWindow) : default);

    [Fact]
    public void Signed2_and_4_a_review_after_the_rehearsal_and_the_verification_signs_them_and_holds() =>
        Assert.Empty(ReviewedEvidence.Sign(Now, Rehearsed.AddMinutes(1), Rehearsed, Verified).Voids(Now));

    [Fact]
    public void Signed3_a_rehearsal_after_the_review_voids_it() =>
        Assert.Equal(["the rehearsal report changed (signed one before the review at 2026-01-01T09:30:00Z, or none, now 2026-01-01T10:00:00.000Z)"],
            ReviewedEvidence.Sign(Now, Verified.AddMinutes(30), Rehearsed, Verified).Voids(Now));

    [Fact]
    public void Signed5_a_snapshot_verified_after_the_review_voids_it() =>
        Assert.Equal(["the verified snapshot changed (signed one before the review at 2026-01-01T08:00:00Z, or none, now 20260101T090000Z-aaaaaa)"],
            ReviewedEvidence.Sign(Now with { Rehearsal = null }, Verified.AddHours(-1), null, Verified).Voids(Now with { Rehearsal = null }));

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
