namespace Sluice.Build.Tests.Ci.Behaviour;

/// <summary>
/// What the committed release pipeline does, run on a model of the job graph built from the YAML itself, for each
/// way Promote can end. Promote's outputs per ending follow <c>Sluice.Targets.PromoteOutputs</c>'s table.
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

    private static CiScenario Dispatched(string ending, ISet<string>? rejected = null) =>
        new("workflow_dispatch", new Dictionary<string, string> { ["env"] = "local" },
            new Dictionary<string, TargetBehaviour> { ["Promote"] = Promote(ending) }, rejected is null ? null : new HashSet<string>(rejected));

    [Theory]
    [MemberData(nameof(Endings))]
    public void GitHub_rolls_back_only_the_plan_Promote_could_not_roll_back_itself(string ending)
    {
        var runs = GitHubRun.Simulate(Committed(".github/workflows/release.yml"), Dispatched(ending));
        var rollback = runs["rollback"];
        if (ending == "rollback-failed")
        {
            Assert.Equal("success", rollback.Result);
            Assert.Equal("build.sh Rollback --env local --migration 0002_orders | secrets: SLUICE_DATABASE ", Assert.Single(rollback.Calls));
        }
        else Assert.Equal("skipped", rollback.Result);
        Assert.DoesNotContain(runs.Values.SelectMany(r => r.Calls), c => c.StartsWith("build.sh Rollback", StringComparison.Ordinal) && !c.Contains("--migration 0002_orders", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Endings))]
    public void GitHub_continues_after_exit_3_and_4_for_the_same_environment_and_commit(string ending)
    {
        var scenario = Dispatched(ending);
        var runs = GitHubRun.Simulate(Committed(".github/workflows/release.yml"), scenario);
        var promote = runs["promote"];
        Assert.Equal($"build.sh Promote --env local --time-budget 300m | secrets: SLUICE_DATABASE ", Assert.Single(promote.Calls));
        var continuation = runs["continue-promote"];
        switch (ending)
        {
            case "incomplete":
                Assert.Equal($"gh workflow run release.yml --ref main -f env=local -f sha={scenario.Sha} -f attempt=2 -f continue_only=true -f progress=", Assert.Single(continuation.Calls));
                break;
            case "busy":
                // The busy run never started: the follow-up repeats it as it was, not as a continuation.
                Assert.Equal($"gh workflow run release.yml --ref main -f env=local -f sha={scenario.Sha} -f attempt=2 -f continue_only=false -f progress=", Assert.Single(continuation.Calls));
                break;
            default:
                Assert.Equal("skipped", continuation.Result);
                break;
        }
        // Exit 3 and 4 mean "run again later": the job ends green and Status still shows where things stand.
        Assert.Equal(ending is "done" or "busy" or "incomplete" ? "success" : "failure", promote.Result);
        Assert.Equal(ending is "done" or "busy" or "incomplete" ? "success" : "skipped", runs["status"].Result);
    }

    [Fact]
    public void GitHub_a_rejected_approval_runs_nothing_and_rolls_nothing_back()
    {
        var runs = GitHubRun.Simulate(Committed(".github/workflows/release.yml"), Dispatched("done", new HashSet<string> { "local" }));
        Assert.Equal("failure", runs["promote"].Result);
        Assert.Equal(["build.sh Lint | secrets: ", "build.sh Rehearse | secrets: SLUICE_DATABASE "], runs.Values.SelectMany(r => r.Calls)); // the service container's
        Assert.Equal("skipped", runs["rollback"].Result);
        Assert.Equal("skipped", runs["continue-promote"].Result);
    }

    [Fact]
    public void GitHub_a_schedule_starts_no_release_and_continues_every_environment_only_if_in_progress()
    {
        var scenario = new CiScenario("schedule", new Dictionary<string, string>(), new Dictionary<string, TargetBehaviour> { ["Promote"] = Promote("done") });
        var runs = GitHubRun.Simulate(Committed(".github/workflows/release.yml"), scenario);
        Assert.Equal("skipped", runs["promote"].Result);
        Assert.Equal(new[] { "local", "production", "staging" }.Select(e => $"gh workflow run release.yml --ref main -f env={e} -f continue_only=true"), runs["schedule-continuations"].Calls);
        Assert.Equal("skipped", runs["rehearse"].Result);
        Assert.Equal("skipped", runs["lint"].Result);

        // The dispatched continue-only run passes --continue-only to Promote.
        var continued = GitHubRun.Simulate(Committed(".github/workflows/release.yml"),
            new CiScenario("workflow_dispatch", new Dictionary<string, string> { ["env"] = "local", ["continue_only"] = "true" }, scenario.Targets));
        Assert.Equal("build.sh Promote --env local --time-budget 300m --continue-only | secrets: SLUICE_DATABASE ", Assert.Single(continued["promote"].Calls));
    }

    [Fact]
    public void A_pull_request_lints_and_rehearses_and_deploys_nothing_and_a_push_promotes_staging()
    {
        var targets = new Dictionary<string, TargetBehaviour> { ["Promote"] = Promote("done") };
        var pr = GitHubRun.Simulate(Committed(".github/workflows/release.yml"), new CiScenario("pull_request", new Dictionary<string, string>(), targets));
        Assert.Equal(["build.sh Lint | secrets: ", "build.sh Rehearse | secrets: SLUICE_DATABASE "], pr.Values.SelectMany(r => r.Calls));
        var push = GitHubRun.Simulate(Committed(".github/workflows/release.yml"), new CiScenario("push", new Dictionary<string, string>(), targets));
        Assert.Equal("build.sh Promote --env staging --time-budget 300m | secrets: SLUICE_DATABASE ", Assert.Single(push["promote"].Calls));
        var azurePr = AzureRun.Simulate(Committed("azure-pipelines.release.yml"), new CiScenario("pull_request", new Dictionary<string, string>(), targets));
        Assert.Equal(["build.sh Lint | secrets: ", "build.sh Rehearse | secrets: SLUICE_DATABASE "], azurePr.Values.SelectMany(r => r.Calls));
    }

    [Fact]
    public void GitHub_the_test_job_receives_no_database_secret()
    {
        var runs = GitHubRun.Simulate(Committed(".github/workflows/ci.yml"),
            new CiScenario("push", new Dictionary<string, string>(), new Dictionary<string, TargetBehaviour>()));
        Assert.Equal("build.sh Test | secrets: ", Assert.Single(runs["test"].Calls));
    }

    [Theory]
    [MemberData(nameof(Endings))]
    public void Azure_rolls_back_only_what_Promote_left_and_continues_after_3_and_4(string ending)
    {
        var scenario = Dispatched(ending);
        var runs = AzureRun.Simulate(Committed("azure-pipelines.release.yml"), scenario);
        Assert.Equal("build.sh Promote --env local --time-budget 45m | secrets: SLUICE_DATABASE ", Assert.Single(runs["promote"].Calls));
        var rollback = runs["rollback"];
        if (ending == "rollback-failed") Assert.Equal("build.sh Rollback --env local --migration 0002_orders | secrets: SLUICE_DATABASE ", Assert.Single(rollback.Calls));
        else Assert.Equal("Skipped", rollback.Result);
        var continuation = runs["continue_promote"];
        if (ending is "incomplete" or "busy")
            Assert.Equal($"az pipelines run --id 7 --branch refs/heads/main --commit-id {scenario.Sha} --parameters env=local continueOnly={(ending == "incomplete" ? "true" : "false")} attempt=2 progress=none",
                Assert.Single(continuation.Calls));
        else Assert.Equal("Skipped", continuation.Result);
    }

    [Fact]
    public void Azure_a_rejected_approval_or_a_schedule_rolls_nothing_back_and_starts_no_release()
    {
        var rejected = AzureRun.Simulate(Committed("azure-pipelines.release.yml"), Dispatched("done", new HashSet<string> { "local" }));
        Assert.Equal("Failed", rejected["promote"].Result);
        Assert.Equal(["build.sh Lint | secrets: ", "build.sh Rehearse | secrets: SLUICE_DATABASE "], rejected.Values.SelectMany(r => r.Calls));

        var scheduled = AzureRun.Simulate(Committed("azure-pipelines.release.yml"),
            new CiScenario("schedule", new Dictionary<string, string>(), new Dictionary<string, TargetBehaviour> { ["Promote"] = Promote("done") }));
        Assert.Equal("Skipped", scheduled["promote"].Result);
        Assert.Equal(new[] { "local", "production", "staging" }.Select(e => $"az pipelines run --id 7 --branch refs/heads/main --parameters env={e} continueOnly=true"), scheduled["continue_environments"].Calls);
    }

    [Fact]
    public void Azure_an_undefined_secret_variable_reaches_the_build_as_the_literal_macro_which_the_engine_ignores()
    {
        // Azure leaves $(DATABASE) as text when the group lacks it; ParameterSources then treats it as unset (SLU135).
        var runs = AzureRun.Simulate(Committed("azure-pipelines.release.yml"), Dispatched("done"), new Dictionary<string, string>());
        Assert.Equal("build.sh Promote --env local --time-budget 45m | secrets: SLUICE_DATABASE ", Assert.Single(runs["promote"].Calls));
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

    [Theory]
    [InlineData("push", "", "sluice-staging")]
    [InlineData("workflow_dispatch", "production", "sluice-production")] // a follow-up of production queues with it
    [InlineData("schedule", "", "sluice-schedule")]
    [InlineData("pull_request", "", "sluice-refs/pull/7/merge")]
    public void GitHub_runs_on_one_environment_queue_in_one_group_and_none_is_cancelled(string trigger, string env, string group)
    {
        var concurrency = Yaml.Load(Committed(".github/workflows/release.yml")).Get("concurrency")!;
        var expression = new GitHubExpression(path => path switch
        {
            "github.event_name" => trigger,
            "github.ref" => "refs/pull/7/merge",
            "inputs.env" => env.Length == 0 ? null : env,
            _ => throw new FormatException(path),
        }, _ => true);
        Assert.Equal(group, expression.Interpolate(concurrency.Text("group")!));
        Assert.Equal("max", concurrency.Text("queue"));
        Assert.Equal("false", concurrency.Text("cancel-in-progress"));
        Assert.All(Yaml.Load(Committed(".github/workflows/release.yml")).Get("jobs").Entries(), j => Assert.Null(j.Value.Get("concurrency")));
    }

    /// <summary>Promote stopped incomplete (or busy) after a run whose progress figure the dispatched run was given.</summary>
    private static CiScenario Continued(int exitCode, string progress, string previous, string environment = "production") =>
        new("workflow_dispatch", new Dictionary<string, string> { ["env"] = environment, ["attempt"] = "5", ["progress"] = previous },
            new Dictionary<string, TargetBehaviour>
            {
                ["Promote"] = new(exitCode, exitCode == 4
                    ? new Dictionary<string, string>(Outputs(plan: "0002_orders", slu: "SLU043")) { ["progress"] = progress }
                    : Outputs(slu: "SLU040")),
            });

    [Theory]
    [InlineData("github")]
    [InlineData("azure")]
    public void A_continuation_that_made_no_progress_since_the_previous_run_stops_loudly_naming_the_plan(string dialect)
    {
        IReadOnlyDictionary<string, JobRun> Run(CiScenario scenario) => dialect == "github"
            ? GitHubRun.Simulate(Committed(".github/workflows/release.yml"), scenario)
            : AzureRun.Simulate(Committed("azure-pipelines.release.yml"), scenario);
        var job = dialect == "github" ? "continue-promote" : "continue_promote";
        var (failed, succeeded) = dialect == "github" ? ("failure", "success") : ("Failed", "Succeeded");

        // 1: the same figure as the run before: nothing is queued, the job fails naming the plan and the environment.
        var stuck = Run(Continued(4, progress: "1201", previous: "1201"))[job];
        Assert.Equal(failed, stuck.Result);
        Assert.Empty(stuck.Calls);
        Assert.Contains("SLU141: Promote made no progress on plan 0002_orders in run 5", stuck.Log);
        Assert.Contains("./build.sh Status --env production", stuck.Log);

        // 2: more done than the run before: continued, and this run's figure passed on.
        var moving = Run(Continued(4, progress: "1250", previous: "1201"))[job];
        Assert.Equal(succeeded, moving.Result);
        Assert.EndsWith(dialect == "github" ? "-f attempt=6 -f continue_only=true -f progress=1250" : "continueOnly=true attempt=6 progress=1250", Assert.Single(moving.Calls));

        // 3: busy (exit 3) never started: repeated, the previous figure passed on unchanged.
        var busy = Run(Continued(3, progress: "", previous: "1201"))[job];
        Assert.Equal(succeeded, busy.Result);
        Assert.EndsWith(dialect == "github" ? "-f attempt=6 -f continue_only=false -f progress=1201" : "continueOnly=false attempt=6 progress=1201", Assert.Single(busy.Calls));
    }

    [Theory]
    [InlineData("github")]
    [InlineData("azure")]
    public void A_lint_error_on_a_pull_request_fails_the_run_and_on_main_nothing_is_promoted(string dialect)
    {
        var targets = new Dictionary<string, TargetBehaviour> { ["Lint"] = new(1), ["Promote"] = Promote("done") };
        IReadOnlyDictionary<string, JobRun> Run(string trigger) => dialect == "github"
            ? GitHubRun.Simulate(Committed(".github/workflows/release.yml"), new CiScenario(trigger, new Dictionary<string, string>(), targets))
            : AzureRun.Simulate(Committed("azure-pipelines.release.yml"), new CiScenario(trigger, new Dictionary<string, string>(), targets));
        var (failed, skipped) = dialect == "github" ? ("failure", "skipped") : ("Failed", "Skipped");

        var pr = Run("pull_request");
        Assert.Equal(failed, pr["lint"].Result);
        Assert.Equal("build.sh Lint | secrets: ", Assert.Single(pr["lint"].Calls)); // no database secret: lint reads only files
        var push = Run("push");
        Assert.Equal(failed, push["lint"].Result);
        Assert.Equal(skipped, push["promote"].Result);
        Assert.DoesNotContain(push.Values.SelectMany(r => r.Calls), c => c.StartsWith("build.sh Promote", StringComparison.Ordinal));
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
