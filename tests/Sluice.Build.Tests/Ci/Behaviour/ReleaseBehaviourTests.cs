namespace Sluice.Build.Tests.Ci.Behaviour;

/// <summary>
/// What the committed pipelines do (release, ci, nightly), run on a model of the job graph built from the YAML itself,
/// for each way Promote can end. Promote's outputs per ending follow <c>Sluice.Targets.PromoteOutputs</c>'s table.
/// </summary>
public sealed class ReleaseBehaviourTests
{
    private static string Committed(string path) => File.ReadAllText(Path.Combine(CiValidators.RepositoryRoot, path));

    private static Dictionary<string, string> Outputs(string plan = "", string slu = "", bool rolledBack = false, string rollbackPlan = "") => new()
    {
        ["plan"] = plan, ["slu_code"] = slu, ["rolled_back"] = rolledBack ? "true" : "false", ["rollback_plan"] = rollbackPlan,
    };

    /// <summary>How Promote ends, by case: exit code and the outputs it writes.</summary>
    public static TheoryData<string> Endings => ["done", "gate-blocked", "rolled-back-itself", "rollback-failed", "usage", "busy", "incomplete"];

    private static TargetBehaviour Promote(string ending) => ending switch
    {
        "done" => new(0, Outputs(plan: "0002_orders")),
        "gate-blocked" => new(1, Outputs(slu: "SLU070")),
        "rolled-back-itself" => new(1, Outputs(plan: "0002_orders", slu: "SLU074", rolledBack: true)),
        "rollback-failed" => new(1, Outputs(plan: "0002_orders", slu: "SLU075", rollbackPlan: "0002_orders")),
        "usage" => new(2, Outputs(slu: "SLU035")),
        "busy" => new(3, Outputs(slu: "SLU040")),
        "incomplete" => new(4, Outputs(plan: "0002_orders", slu: "SLU043")),
        _ => throw new ArgumentOutOfRangeException(nameof(ending)),
    };

    /// <summary>A push to main whose staging Promote (its first call: the phases the new version needs) ends so.</summary>
    private static CiScenario Pushed(string ending, ISet<string>? rejected = null, IReadOnlyDictionary<string, TargetBehaviour>? more = null)
    {
        var targets = new Dictionary<string, TargetBehaviour> { ["Promote"] = Promote(ending) };
        foreach (var (key, behaviour) in more ?? new Dictionary<string, TargetBehaviour>()) targets[key] = behaviour;
        return new("push", new Dictionary<string, string>(), targets, rejected is null ? null : new HashSet<string>(rejected));
    }

    private static IReadOnlyDictionary<string, JobRun> Release(string dialect, CiScenario scenario, IReadOnlyDictionary<string, string>? group = null) => dialect == "github"
        ? GitHubRun.Simulate(Committed(".github/workflows/release.yml"), scenario)
        : AzureRun.Simulate(Committed("azure-pipelines.release.yml"), scenario, group);

    private static string Job(string dialect, string id) => dialect == "github" ? id : id.Replace('-', '_');

    /// <summary>The steps of one environment's job when everything passes, in the order they run.</summary>
    private static string[] ReleaseSteps(string env) =>
    [
        $"build.sh PublishDeployment --env {env} --deployment-state started",
        $"build.sh Promote --env {env}",
        $"build.sh PublishDeployment --env {env} --deployment-state succeeded",
    ];

    /// <summary>The steps of the job of an environment that declares a canary (production) when everything passes:
    /// the release split over the deployment hooks.</summary>
    private static string[] CanaryReleaseSteps(string env) =>
    [
        $"build.sh PublishDeployment --env {env} --deployment-state started",
        $"build.sh Promote --env {env} --until-canary",
        $"build.sh Canary --env {env} --canary-stage prepare",
        $"build.sh Canary --env {env} --canary-stage route",
        $"build.sh Canary --env {env} --canary-stage analyse",
        $"build.sh Canary --env {env} --canary-stage finish",
        $"build.sh Promote --env {env}",
        $"build.sh PublishDeployment --env {env} --deployment-state succeeded",
    ];

    private static IEnumerable<string> Commands(JobRun run) => run.Calls.Select(c => c.Split(" | ")[0]);

    [Theory]
    [InlineData("github")]
    [InlineData("azure")]
    public void A_push_promotes_staging_then_production_with_the_canary_inside_each_environments_job(string dialect)
    {
        var runs = Release(dialect, Pushed("done"));
        Assert.Equal(ReleaseSteps("staging"), Commands(runs[Job(dialect, "promote-staging")]));
        Assert.Equal(CanaryReleaseSteps("production"), Commands(runs[Job(dialect, "promote-production")]));
        // Each step gets the environment's connection string; nothing else of the environment's.
        Assert.All(runs[Job(dialect, "promote-staging")].Calls, c => Assert.EndsWith("| secrets: SLUICE_DATABASE ", c));
    }

    [Theory]
    [InlineData("github")]
    [InlineData("azure")]
    public void A_rejected_staging_approval_deploys_nothing_and_never_reaches_production(string dialect)
    {
        var runs = Release(dialect, Pushed("done", rejected: new HashSet<string> { "staging" }));
        var (failed, skipped) = dialect == "github" ? ("failure", "skipped") : ("Failed", "Skipped");
        Assert.Equal(failed, runs[Job(dialect, "promote-staging")].Result);
        Assert.Equal(skipped, runs[Job(dialect, "promote-production")].Result);
        Assert.Equal(["build.sh Lint", "build.sh Rehearse", "build.sh CommentReport"], runs.Values.SelectMany(Commands));
    }

    [Theory]
    [InlineData("github", "done")]
    [InlineData("github", "gate-blocked")]
    [InlineData("github", "rolled-back-itself")]
    [InlineData("github", "rollback-failed")]
    [InlineData("github", "usage")]
    [InlineData("github", "busy")]
    [InlineData("azure", "done")]
    [InlineData("azure", "gate-blocked")]
    [InlineData("azure", "rolled-back-itself")]
    [InlineData("azure", "rollback-failed")]
    [InlineData("azure", "usage")]
    [InlineData("azure", "busy")]
    public void A_failed_step_is_rolled_back_in_the_environments_job_only_when_it_left_a_plan_and_the_deployment_says_so(string dialect, string ending)
    {
        var staging = Release(dialect, Pushed(ending))[Job(dialect, "promote-staging")];
        var commands = Commands(staging).ToList();
        Assert.Equal("build.sh Promote --env staging", commands[1]);
        if (ending == "done")
        {
            Assert.Equal(ReleaseSteps("staging"), commands);
            return;
        }
        // Nothing after the failed step runs but the failure hook: the rollback (only of what the step left), then the record.
        var rollback = ending == "rollback-failed" ? ["build.sh Rollback --env staging --migration 0002_orders"] : Array.Empty<string>();
        Assert.Equal(["build.sh PublishDeployment --env staging --deployment-state started", "build.sh Promote --env staging",
            .. rollback, "build.sh PublishDeployment --env staging --deployment-state failed"], commands);
        if (ending != "rollback-failed") Assert.Contains("nothing to revert", staging.Log);
        Assert.Equal(dialect == "github" ? "failure" : "Failed", staging.Result);
    }

    [Theory]
    [InlineData("github")]
    [InlineData("azure")]
    public void A_canary_that_fails_inside_Promote_rolls_back_there_and_production_never_starts(string dialect)
    {
        // The canary runs inside Promote: a failed one has put traffic back and rolled its plan back (SLU187 in SLU074).
        var canaryFailed = new TargetBehaviour(1, Outputs(plan: "0002_orders", slu: "SLU074", rolledBack: true));
        var runs = Release(dialect, Pushed("done", more: new Dictionary<string, TargetBehaviour> { ["Promote"] = canaryFailed }));
        Assert.Equal([.. ReleaseSteps("staging").Take(2), "build.sh PublishDeployment --env staging --deployment-state failed"],
            Commands(runs[Job(dialect, "promote-staging")]));
        Assert.Empty(runs[Job(dialect, "promote-production")].Calls);
    }

    [Theory]
    [InlineData("github")]
    [InlineData("azure")]
    public void A_failed_canary_stage_puts_traffic_back_then_reverts_the_paused_plan_and_never_continues_the_release(string dialect)
    {
        // The analyse stage fails (SLU187) and names the plan paused before its canary, as ICanary's outputs do.
        var analyseFailed = new TargetBehaviour(1, Outputs(plan: "0002_orders", slu: "SLU187", rollbackPlan: "0002_orders"));
        var runs = Release(dialect, Pushed("done", more: new Dictionary<string, TargetBehaviour> { ["Canary:analyse"] = analyseFailed }));
        Assert.Equal([.. CanaryReleaseSteps("production").Take(5), "build.sh Canary --env production --canary-stage finish",
            "build.sh Rollback --env production --migration 0002_orders", "build.sh PublishDeployment --env production --deployment-state failed"],
            Commands(runs[Job(dialect, "promote-production")]));
        Assert.Equal(dialect == "github" ? "failure" : "Failed", runs[Job(dialect, "promote-production")].Result);
    }

    [Theory]
    [InlineData("github")]
    [InlineData("azure")]
    public void A_pull_request_lints_rehearses_and_comments_the_report_and_deploys_nothing(string dialect)
    {
        var pr = Release(dialect, new CiScenario("pull_request", new Dictionary<string, string>(), new Dictionary<string, TargetBehaviour> { ["Promote"] = Promote("done") }));
        Assert.Equal(["build.sh Lint | secrets: ", "build.sh Rehearse | secrets: SLUICE_DATABASE ", "build.sh CommentReport | secrets: SLUICE_DATABASE "], pr.Values.SelectMany(r => r.Calls));
        // A failed rehearsal is commented too: the reviewer reads why.
        var failed = Release(dialect, new CiScenario("pull_request", new Dictionary<string, string>(), new Dictionary<string, TargetBehaviour> { ["Rehearse"] = new(1) }));
        Assert.Equal(["build.sh Lint", "build.sh Rehearse", "build.sh CommentReport"], failed.Values.SelectMany(Commands));
    }

    [Fact]
    public void GitHub_only_the_jobs_that_publish_get_a_token_and_only_with_the_permission_they_need()
    {
        var jobs = Yaml.Load(Committed(".github/workflows/release.yml")).Get("jobs").Entries().ToDictionary(j => j.Key, j => j.Value);
        Assert.Equal("read", Yaml.Load(Committed(".github/workflows/release.yml")).Get("permissions")!.Text("contents"));
        Assert.Equal("write", jobs["rehearse"].Get("permissions")!.Text("pull-requests"));
        Assert.Null(jobs["rehearse"].Get("permissions")!.Get("deployments"));
        Assert.Equal("write", jobs["promote-staging"].Get("permissions")!.Text("deployments"));
        Assert.Null(jobs["lint"].Get("permissions"));
        Assert.DoesNotContain("GITHUB_TOKEN", jobs["lint"].ToString());
    }

    [Fact]
    public void GitHub_the_test_job_receives_no_database_secret()
    {
        var runs = GitHubRun.Simulate(Committed(".github/workflows/ci.yml"),
            new CiScenario("push", new Dictionary<string, string>(), new Dictionary<string, TargetBehaviour>()));
        Assert.Equal("build.sh Test | secrets: ", Assert.Single(runs["test"].Calls));
    }

    [Theory]
    [InlineData("github")]
    [InlineData("azure")]
    public void The_database_test_projects_run_once_per_supported_PostgreSQL_version(string dialect)
    {
        var scenario = new CiScenario("push", new Dictionary<string, string>(), new Dictionary<string, TargetBehaviour>());
        var runs = dialect == "github" ? GitHubRun.Simulate(Committed(".github/workflows/ci.yml"), scenario) : AzureRun.Simulate(Committed("azure-pipelines.yml"), scenario);
        var matrix = runs[Job(dialect, "test-postgres")];
        Assert.Equal(5, matrix.Calls.Count); // the supported majors the test set-up installs: 14 to 18 (15 the OS's)
        Assert.All(matrix.Calls, c => Assert.StartsWith("build.sh Test --test-projects Repository.Tests Shop.Tests Sluice.Cloud.Tests Sluice.GitHub.Tests Sluice.Postgres.Tests Sluice.Traffic.Tests | secrets:", c));
        Assert.Contains("SLUICE_PG_VERSION", matrix.Calls[0]); // the fake lists SLUICE_* variables it was given
        // Each cell gets its own version (the fake records the variable's presence; the YAML carries the values).
        var yaml = dialect == "github" ? Committed(".github/workflows/ci.yml") : Committed("azure-pipelines.yml");
        foreach (var version in new[] { "14", "15", "16", "17", "18" }) Assert.Contains($"SLUICE_PG_VERSION: \"{version}\"", yaml);
    }

    [Theory]
    [InlineData("github")]
    [InlineData("azure")]
    public void A_lint_error_on_a_pull_request_fails_the_run_and_on_main_nothing_is_promoted(string dialect)
    {
        var targets = new Dictionary<string, TargetBehaviour> { ["Lint"] = new(1), ["Promote"] = Promote("done") };
        var (failed, skipped) = dialect == "github" ? ("failure", "skipped") : ("Failed", "Skipped");

        var pr = Release(dialect, new CiScenario("pull_request", new Dictionary<string, string>(), targets));
        Assert.Equal(failed, pr["lint"].Result);
        Assert.Equal("build.sh Lint | secrets: ", Assert.Single(pr["lint"].Calls)); // no database secret: lint reads only files
        var push = Release(dialect, new CiScenario("push", new Dictionary<string, string>(), targets));
        Assert.Equal(failed, push["lint"].Result);
        Assert.Equal(skipped, push[Job(dialect, "promote-staging")].Result);
        Assert.DoesNotContain(push.Values.SelectMany(r => r.Calls), c => c.StartsWith("build.sh Promote", StringComparison.Ordinal));
    }

    [Fact]
    public void Azure_an_undefined_secret_variable_reaches_the_build_as_the_literal_macro_which_the_engine_ignores()
    {
        // Azure leaves $(DATABASE) as text when the group lacks it; ParameterSources then treats it as unset (SLU135).
        var runs = Release("azure", Pushed("done"), new Dictionary<string, string>());
        Assert.Equal("build.sh Promote --env staging | secrets: SLUICE_DATABASE ", runs["promote_staging"].Calls[1]);
    }

    [Theory]
    [InlineData("push", "sluice-staging-production")]
    [InlineData("pull_request", "sluice-refs/pull/7/merge")]
    public void GitHub_runs_on_the_release_environments_queue_in_one_group_and_none_is_cancelled(string trigger, string group)
    {
        foreach (var workflow in new[] { "release", "nightly" })
        {
            var concurrency = Yaml.Load(Committed($".github/workflows/{workflow}.yml")).Get("concurrency")!;
            var expression = new GitHubExpression(path => path switch
            {
                "github.event_name" => trigger,
                "github.ref" => "refs/pull/7/merge",
                _ => throw new FormatException(path),
            }, _ => true);
            // The nightly acts on the same environments: it waits behind a release, never beside it.
            Assert.Equal(workflow == "nightly" && trigger == "pull_request" ? "sluice-staging-production" : group, expression.Interpolate(concurrency.Text("group")!));
            Assert.Equal("max", concurrency.Text("queue"));
            Assert.Equal("false", concurrency.Text("cancel-in-progress"));
        }
    }

    [Theory]
    [InlineData("github")]
    [InlineData("azure")]
    public void Every_night_the_pending_plans_are_rehearsed_on_staging_and_expired_partial_states_acted_on_in_every_protected_environment(string dialect)
    {
        var scenario = new CiScenario("schedule", new Dictionary<string, string>(), new Dictionary<string, TargetBehaviour>());
        var runs = dialect == "github" ? GitHubRun.Simulate(Committed(".github/workflows/nightly.yml"), scenario) : AzureRun.Simulate(Committed("azure-pipelines.nightly.yml"), scenario);
        Assert.Equal("build.sh Rehearse --env staging | secrets: SLUICE_DATABASE ", Assert.Single(runs[Job(dialect, "rehearse-staging")].Calls));
        // .nuke/parameters.production.json says protected; each protected environment gets its own job.
        Assert.Equal("build.sh ExpirePartialStates --env production | secrets: SLUICE_DATABASE ", Assert.Single(runs[Job(dialect, "expire-partial-states-production")].Calls));
        // staging is protected too (.nuke/parameters.staging.json).
        Assert.Equal("build.sh ExpirePartialStates --env staging | secrets: SLUICE_DATABASE ", Assert.Single(runs[Job(dialect, "expire-partial-states-staging")].Calls));
        // The drills (Pipelines.NightlyDrills), each on staging; the corrupted-table drill takes and verifies its snapshot first.
        Assert.Equal(["build.sh Snapshot --env staging | secrets: SLUICE_DATABASE ", "build.sh VerifySnapshot --env staging | secrets: SLUICE_DATABASE ",
            "build.sh Drill --env staging --scenario corrupted-table | secrets: SLUICE_DATABASE "], runs[Job(dialect, "drill-corrupted-table")].Calls);
        Assert.Equal("build.sh Drill --env staging --scenario failed-contract | secrets: SLUICE_DATABASE ", Assert.Single(runs[Job(dialect, "drill-failed-contract")].Calls));
        Assert.Equal(6, runs.Count);
        var yaml = dialect == "github" ? Committed(".github/workflows/nightly.yml") : Committed("azure-pipelines.nightly.yml");
        Assert.Contains("cron: 23 2 * * *", yaml);
    }

    [Theory]
    [InlineData("0002_orders", true)]
    [InlineData("", false)] // Promote had nothing pending: a failed smoke test must not revert the previous release
    public void A_failed_smoke_test_rolls_back_the_plan_this_run_applied_and_nothing_older(string applied, bool rollsBack)
    {
        var golden = Path.Combine(CiValidators.RepositoryRoot, "tests", "Sluice.Build.Tests", "Ci", "golden");
        var targets = new Dictionary<string, TargetBehaviour> { ["Promote"] = new(0, Outputs(plan: applied)), ["Smoke"] = new(1) };
        var github = GitHubRun.Simulate(File.ReadAllText(Path.Combine(golden, "rollback-on-failure.deploy.yml")), new CiScenario("push", new Dictionary<string, string>(), targets));
        var azure = AzureRun.Simulate(File.ReadAllText(Path.Combine(golden, "rollback-on-failure.azure-pipelines.yml")), new CiScenario("push", new Dictionary<string, string>(), targets));
        Assert.Equal("skipped", github["rollback-staging"].Result);
        Assert.Equal("Skipped", azure["rollback_staging"].Result);
        if (rollsBack)
        {
            Assert.Equal($"build.sh Rollback --env staging --migration {applied} | secrets: ", Assert.Single(github["rollback-after-smoke"].Calls));
            Assert.Equal($"build.sh Rollback --env staging --migration {applied} | secrets: ", Assert.Single(azure["rollback_after_smoke"].Calls));
        }
        else
        {
            Assert.Equal("skipped", github["rollback-after-smoke"].Result);
            Assert.Equal("Skipped", azure["rollback_after_smoke"].Result);
        }
    }

    [Fact]
    public void Azure_asks_for_productions_approval_only_after_staging_ran_and_never_when_staging_was_rejected()
    {
        var golden = File.ReadAllText(Path.Combine(CiValidators.RepositoryRoot, "tests", "Sluice.Build.Tests", "Ci", "golden", "per-environment.azure-pipelines.yml"));
        var targets = new Dictionary<string, TargetBehaviour> { ["Promote"] = new(0) };
        var events = new List<string>();
        AzureRun.Simulate(golden, new CiScenario("push", new Dictionary<string, string>(), targets), events: events, template: PerEnvironmentTemplate);
        Assert.Equal(["run rehearse", "approval staging", "run promote_staging", "approval production", "run promote_production"], events);

        events.Clear();
        var rejected = AzureRun.Simulate(golden, new CiScenario("push", new Dictionary<string, string>(), targets, new HashSet<string> { "staging" }), events: events,
            template: PerEnvironmentTemplate);
        Assert.Equal(["run rehearse", "approval staging", "run promote_staging"], events); // the rejected job is reported, production never asked
        Assert.Equal("Skipped", rejected["promote_production"].Result);
    }

    /// <summary>The per-environment shape is reusable: its jobs live in a template, read here by the path its caller names.</summary>
    private static string PerEnvironmentTemplate(string path)
    {
        Assert.Equal("azure-pipelines.templates/release.template.yml", path);
        return File.ReadAllText(Path.Combine(CiValidators.RepositoryRoot, "tests", "Sluice.Build.Tests", "Ci", "golden", "per-environment.release.template.yml"));
    }

    [Fact]
    public void Azure_a_reusable_pipeline_includes_its_template_and_a_second_service_composes_it_with_its_own_service()
    {
        var golden = Path.Combine(CiValidators.RepositoryRoot, "tests", "Sluice.Build.Tests", "Ci", "golden");
        var caller = File.ReadAllText(Path.Combine(golden, "per-environment.azure-pipelines.yml"));
        var include = Assert.Single(Yaml.Load(caller).Get("stages").Items());
        Assert.Equal("azure-pipelines.templates/release.template.yml", include.Text("template"));
        Assert.Null(Yaml.Load(caller).Get("jobs"));

        var template = Yaml.Load(File.ReadAllText(Path.Combine(golden, "per-environment.release.template.yml")));
        Assert.Contains(template.Get("parameters").Items(), p => p.Text("name") == "service" && p.Text("default") == "");
        // Every build step names the service it acts on from the template's parameter (empty: the only one).
        var steps = template.Get("stages").Items().SelectMany(st => st.Get("jobs").Items())
            .SelectMany(j => (j.Get("steps") ?? j.Get("strategy")!.Get("runOnce")!.Get("deploy")!.Get("steps")).Items())
            .Where(st => st.Text("bash") is { } b && b.Contains("./build.sh", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(steps);
        Assert.All(steps, st => Assert.Equal("${{ parameters.service }}", st.Get("env")!.Text("SLUICE_SERVICE")));

        // A team's pipeline for another service includes the same template with its own service and runs the same flow.
        var other = caller.Replace("service: \"\"", "service: billing", StringComparison.Ordinal);
        Assert.NotEqual(caller, other);
        var runs = AzureRun.Simulate(other, new CiScenario("push", new Dictionary<string, string>(), new Dictionary<string, TargetBehaviour> { ["Promote"] = new(0) }),
            template: PerEnvironmentTemplate);
        Assert.StartsWith("build.sh Promote --env staging", Assert.Single(runs["promote_staging"].Calls));
        Assert.Contains("SLUICE_SERVICE", Assert.Single(runs["promote_production"].Calls));
    }
}
