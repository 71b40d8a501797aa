namespace Sluice.Build.Ci;

/// <summary>
/// Writes a <see cref="CiPipeline"/> as a GitHub Actions workflow: jobs with <c>needs</c>, <c>environment:</c> for jobs
/// acting on one (so required reviewers and wait timers apply), one concurrency group per environment that never
/// cancels a running migration, artifacts for evidence, secrets from <c>secrets.*</c>, least-privilege permissions,
/// rollback jobs on <c>failure()</c>, and self-dispatched continuation for time-budgeted jobs.
/// </summary>
public static class GitHubWorkflowWriter
{
    public static string Path(CiPipeline pipeline) => $".github/workflows/{pipeline.Name}.yml";

    public static string Write(CiPipeline pipeline, CiContext context)
    {
        var jobs = CiJobPlan.Resolve(pipeline, context.Catalog);
        var dispatch = pipeline.Triggers.OfType<DispatchTrigger>().FirstOrDefault();
        if (dispatch is null && pipeline.Jobs.Any(j => j.TimeBudget is not null || j.Environment == CiJob.FromDispatch))
            throw new UsageException("SLU080", $"pipeline {pipeline.Name}: a job uses the dispatched environment or a time budget, but the pipeline has no Dispatch trigger",
                "add CiTrigger.Dispatch() so runs can be started by hand and continued");

        var workflow = new YMap
        {
            { "name", pipeline.DisplayName ?? pipeline.Name },
            { "on", Triggers(pipeline, context, dispatch) },
            { "permissions", new YMap { { "contents", "read" } } },
        };
        var jobMap = new YMap();
        foreach (var job in jobs) jobMap.Add(job.Id, Job(pipeline, job, jobs, context));
        workflow.Add("jobs", jobMap);
        return workflow.ToYaml(CiContext.Header);
    }

    private static YMap Triggers(CiPipeline pipeline, CiContext context, DispatchTrigger? dispatch)
    {
        var on = new YMap();
        foreach (var push in pipeline.Triggers.OfType<PushTrigger>()) on.Add("push", new YMap { { "branches", Strings(push.Branches) } });
        foreach (var pr in pipeline.Triggers.OfType<PullRequestTrigger>()) on.Add("pull_request", new YMap { { "branches", Strings(pr.Branches) } });
        var schedules = pipeline.Triggers.OfType<ScheduleTrigger>().Select(s => (Y)new YMap { { "cron", s.Cron } }).ToList();
        if (schedules.Count > 0) on.Add("schedule", new YSequence(schedules));
        if (dispatch is not null)
        {
            on.Add("workflow_dispatch", new YMap
            {
                { "inputs", new YMap
                    {
                        { "env", new YMap
                            {
                                { "description", "The environment to act on (.nuke/parameters.<env>.json)" },
                                { "type", "choice" },
                                { "options", Strings(context.Environments) },
                                { "default", dispatch.DefaultEnvironment },
                                { "required", true },
                            }
                        },
                    }
                },
            });
        }
        return on;
    }

    private static YMap Job(CiPipeline pipeline, CiJobPlan plan, IReadOnlyList<CiJobPlan> all, CiContext context)
    {
        var job = plan.Job;
        var environment = job.Environment == CiJob.FromDispatch ? "${{ inputs.env || '" + DefaultEnvironment(pipeline) + "' }}" : job.Environment;
        var map = new YMap
        {
            { "name", environment is null ? plan.Target.Name : $"{plan.Target.Name} ({environment})" },
            { "needs", plan.Needs.Count > 0 ? Strings(plan.Needs) : null },
            { "if", Condition(plan, all) },
            { "runs-on", pipeline.RunsOn },
            { "timeout-minutes", plan.TimeoutMinutes is { } minutes ? (Y)minutes : null },
        };
        if (environment is not null)
        {
            map.Add("environment", environment);
            // One runner per environment; a running migration is never cancelled by a newer run.
            map.Add("concurrency", new YMap { { "group", $"sluice-{environment}" }, { "cancel-in-progress", false } });
        }
        if (job.TimeBudget is not null)
        {
            map.Add("permissions", new YMap { { "contents", "read" }, { "actions", "write" } });
            map.Add("outputs", new YMap { { "exit-code", "${{ steps.run.outputs.exit-code }}" } });
        }
        if (job.Postgres) map.Add("services", new YMap { { "postgres", PostgresService() } });

        var steps = new List<Y>
        {
            new YMap { { "uses", "actions/checkout@v4" } },
            new YMap { { "uses", "actions/setup-dotnet@v4" }, { "with", new YMap { { "global-json-file", "global.json" } } } },
        };
        foreach (var (evidence, from) in plan.Downloads)
            steps.Add(new YMap { { "name", $"Download {evidence} from {from}" }, { "uses", "actions/download-artifact@v4" }, { "with", new YMap { { "name", evidence }, { "path", EvidencePath(context, evidence) } } } });
        steps.Add(RunStep(plan, environment, context));
        if (job.TimeBudget is not null)
        {
            steps.Add(new YMap
            {
                { "name", "Continue in a follow-up run" },
                { "if", "steps.run.outputs.exit-code == '4'" },
                { "env", new YMap { { "GH_TOKEN", "${{ github.token }}" } } },
                { "run", $"gh workflow run {pipeline.Name}.yml --ref \"${{{{ github.ref_name }}}}\" -f env=\"{environment}\"\necho \"Time budget used: a follow-up run continues {plan.Target.Name}.\" >> \"$GITHUB_STEP_SUMMARY\"" },
            });
        }
        foreach (var (evidence, path) in plan.Uploads)
            steps.Add(new YMap { { "name", $"Upload {evidence}" }, { "if", "always()" }, { "uses", "actions/upload-artifact@v4" }, { "with", new YMap { { "name", evidence }, { "path", path }, { "if-no-files-found", "ignore" } } } });
        map.Add("steps", new YSequence(steps));
        return map;
    }

    private static Y RunStep(CiJobPlan plan, string? environment, CiContext context)
    {
        var env = context.StepEnvironment(plan, name => $"${{{{ secrets.{name} }}}}");
        var command = plan.Command(environment);
        var run = plan.Job.TimeBudget is null
            ? command
            : CiContext.BudgetedScript(command, "echo \"exit-code=$code\" >> \"$GITHUB_OUTPUT\"");
        return new YMap
        {
            { "name", plan.Target.Name },
            { "id", plan.Job.TimeBudget is null ? null : "run" },
            { "shell", "bash" },
            { "env", env.IsEmpty ? null : env },
            { "run", run },
        };
    }

    /// <summary>Rollback jobs run only on failure; jobs after a time-budgeted job wait until it finished its work.</summary>
    private static Y? Condition(CiJobPlan plan, IReadOnlyList<CiJobPlan> all)
    {
        if (plan.Job.RunsWhenFailed is { } watched) return $"failure() && needs.{watched}.result == 'failure'";
        var budgeted = plan.Needs.Where(n => all.First(j => j.Id == n).Job.TimeBudget is not null).ToList();
        return budgeted.Count == 0 ? null : string.Join(" && ", budgeted.Select(n => $"needs.{n}.outputs.exit-code == '0'"));
    }

    private static YMap PostgresService() => new()
    {
        { "image", "postgres:15" },
        { "env", new YMap { { "POSTGRES_PASSWORD", "postgres" } } },
        { "ports", new YSequence("5432:5432") },
        { "options", "--health-cmd pg_isready --health-interval 5s --health-timeout 5s --health-retries 10" },
    };

    private static string EvidencePath(CiContext context, string evidence) =>
        context.Catalog.Targets.SelectMany(t => t.Produces).First(p => p.Key == evidence).Value is var path && System.IO.Path.GetDirectoryName(path) is { Length: > 0 } dir ? dir : ".";

    private static string DefaultEnvironment(CiPipeline pipeline) =>
        pipeline.Triggers.OfType<DispatchTrigger>().FirstOrDefault()?.DefaultEnvironment ?? EnvironmentProfiles.DefaultEnvironment;

    private static YSequence Strings(IEnumerable<string> values) => new(values.Select(v => (Y)v).ToList());
}
