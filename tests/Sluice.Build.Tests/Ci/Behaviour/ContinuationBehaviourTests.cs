namespace Sluice.Build.Tests.Ci.Behaviour;

/// <summary>
/// What a pipeline with a time-budgeted job does (the <c>long-migration</c> golden shape: <c>Migrate</c> within a
/// budget on the dispatched environment, continued by follow-up runs, and a schedule that only continues), run on a
/// model of the job graph built from the YAML, for each way the budgeted target can end.
/// </summary>
public sealed class ContinuationBehaviourTests
{
    private static string Golden(string name) => File.ReadAllText(Path.Combine(CiValidators.RepositoryRoot, "tests", "Sluice.Build.Tests", "Ci", "golden", name));

    private static string Template(string path)
    {
        Assert.Equal("azure-pipelines.templates/migrate.template.yml", path);
        return Golden("long-migration.migrate.template.yml");
    }

    private static IReadOnlyDictionary<string, JobRun> Run(string dialect, CiScenario scenario) => dialect == "github"
        ? GitHubRun.Simulate(Golden("long-migration.migrate.yml"), scenario)
        : AzureRun.Simulate(Golden("long-migration.azure-pipelines.yml"), scenario, template: Template);

    public static TheoryData<string, string> Endings => new()
    {
        { "github", "done" }, { "github", "failed" }, { "github", "busy" }, { "github", "incomplete" },
        { "azure", "done" }, { "azure", "failed" }, { "azure", "busy" }, { "azure", "incomplete" },
    };

    private static TargetBehaviour Migrate(string ending) => ending switch
    {
        "done" => new(0, new Dictionary<string, string> { ["plan"] = "0002_orders" }),
        "failed" => new(1, new Dictionary<string, string> { ["plan"] = "0002_orders", ["slu_code"] = "SLU074" }),
        "busy" => new(3, new Dictionary<string, string> { ["slu_code"] = "SLU040" }),
        "incomplete" => new(4, new Dictionary<string, string> { ["plan"] = "0002_orders", ["slu_code"] = "SLU043" }),
        _ => throw new ArgumentOutOfRangeException(nameof(ending)),
    };

    private static CiScenario Dispatched(string ending, IReadOnlyDictionary<string, string>? inputs = null) =>
        new("workflow_dispatch", inputs ?? new Dictionary<string, string> { ["env"] = "local" }, new Dictionary<string, TargetBehaviour> { ["Migrate"] = Migrate(ending) });

    [Theory]
    [MemberData(nameof(Endings))]
    public void A_budgeted_job_is_continued_after_exit_3_and_4_for_the_same_environment_and_commit(string dialect, string ending)
    {
        var scenario = Dispatched(ending);
        var runs = Run(dialect, scenario);
        Assert.Equal($"build.sh Migrate --env local --time-budget {(dialect == "github" ? "300m" : "45m")} | secrets: SLUICE_DATABASE SLUICE_SERVICE ".Replace(dialect == "github" ? " SLUICE_SERVICE" : "\0", ""),
            Assert.Single(runs["migrate"].Calls));
        var continuation = runs[dialect == "github" ? "continue-migrate" : "continue_migrate"];
        string? expected = (dialect, ending) switch
        {
            ("github", "incomplete") => $"gh workflow run migrate.yml --ref main -f env=local -f sha={scenario.Sha} -f attempt=2 -f continue_only=true -f progress=",
            // The busy run never started: the follow-up repeats it as it was, not as a continuation.
            ("github", "busy") => $"gh workflow run migrate.yml --ref main -f env=local -f sha={scenario.Sha} -f attempt=2 -f continue_only=false -f progress=",
            ("azure", "incomplete") => $"az pipelines run --id 7 --branch refs/heads/main --commit-id {scenario.Sha} --parameters env=local continueOnly=true attempt=2 progress=none",
            ("azure", "busy") => $"az pipelines run --id 7 --branch refs/heads/main --commit-id {scenario.Sha} --parameters env=local continueOnly=false attempt=2 progress=none",
            _ => null,
        };
        if (expected is null) Assert.Empty(continuation.Calls);
        else Assert.Equal(expected, Assert.Single(continuation.Calls));
        // Exit 3 and 4 mean "run again later": the job ends green, and what needs its work waits for a completed run.
        var green = ending is "done" or "busy" or "incomplete";
        Assert.Equal(green ? (dialect == "github" ? "success" : "Succeeded") : (dialect == "github" ? "failure" : "Failed"), runs["migrate"].Result);
        Assert.Equal(ending == "done" ? 1 : 0, runs["verify"].Calls.Count);
    }

    [Theory]
    [InlineData("github")]
    [InlineData("azure")]
    public void A_schedule_starts_nothing_and_continues_every_environment_only_if_in_progress(string dialect)
    {
        var scheduled = Run(dialect, new CiScenario("schedule", new Dictionary<string, string>(), new Dictionary<string, TargetBehaviour> { ["Migrate"] = Migrate("done") }));
        Assert.Empty(scheduled["migrate"].Calls);
        var fanOut = scheduled[dialect == "github" ? "schedule-continuations" : "continue_environments"].Calls;
        Assert.Equal(new[] { "local", "production", "staging" }.Select(e => dialect == "github"
            ? $"gh workflow run migrate.yml --ref main -f env={e} -f continue_only=true"
            : $"az pipelines run --id 7 --branch refs/heads/main --parameters env={e} continueOnly=true"), fanOut);

        // The dispatched continue-only run passes --continue-only to the budgeted target.
        var continued = Run(dialect, Dispatched("done", new Dictionary<string, string> { ["env"] = "local", [dialect == "github" ? "continue_only" : "continueOnly"] = "true" }));
        Assert.Contains("--continue-only", Assert.Single(continued["migrate"].Calls));
    }

    /// <summary>The target stopped incomplete (or busy) after a run whose progress figure the dispatched run was given.</summary>
    private static CiScenario Continued(int exitCode, string progress, string previous) =>
        new("workflow_dispatch", new Dictionary<string, string> { ["env"] = "production", ["attempt"] = "5", ["progress"] = previous },
            new Dictionary<string, TargetBehaviour>
            {
                ["Migrate"] = new(exitCode, exitCode == 4
                    ? new Dictionary<string, string> { ["plan"] = "0002_orders", ["slu_code"] = "SLU043", ["progress"] = progress }
                    : new Dictionary<string, string> { ["slu_code"] = "SLU040" }),
            });

    [Theory]
    [InlineData("github")]
    [InlineData("azure")]
    public void A_continuation_that_made_no_progress_since_the_previous_run_stops_loudly_naming_the_plan(string dialect)
    {
        var job = dialect == "github" ? "continue-migrate" : "continue_migrate";
        var (failed, succeeded) = dialect == "github" ? ("failure", "success") : ("Failed", "Succeeded");

        // 1: the same figure as the run before: nothing is queued, the job fails naming the plan and the environment.
        var stuck = Run(dialect, Continued(4, progress: "1201", previous: "1201"))[job];
        Assert.Equal(failed, stuck.Result);
        Assert.Empty(stuck.Calls);
        Assert.Contains("SLU141: Migrate made no progress on plan 0002_orders in run 5", stuck.Log);
        Assert.Contains("./build.sh Status --env production", stuck.Log);

        // 2: more done than the run before: continued, and this run's figure passed on.
        var moving = Run(dialect, Continued(4, progress: "1250", previous: "1201"))[job];
        Assert.Equal(succeeded, moving.Result);
        Assert.EndsWith(dialect == "github" ? "-f attempt=6 -f continue_only=true -f progress=1250" : "continueOnly=true attempt=6 progress=1250", Assert.Single(moving.Calls));

        // 3: busy (exit 3) never started: repeated, the previous figure passed on unchanged.
        var busy = Run(dialect, Continued(3, progress: "", previous: "1201"))[job];
        Assert.Equal(succeeded, busy.Result);
        Assert.EndsWith(dialect == "github" ? "-f attempt=6 -f continue_only=false -f progress=1201" : "continueOnly=false attempt=6 progress=1201", Assert.Single(busy.Calls));
    }
}
