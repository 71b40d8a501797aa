namespace Sluice.Build.Ci;

/// <summary>
/// Writes a <see cref="CiPipeline"/> as an Azure Pipelines file: jobs with <c>dependsOn</c>, <c>deployment</c> jobs with
/// an <c>environment</c> for jobs acting on one (so approvals and checks apply), a variable group per environment for
/// secrets, a PostgreSQL service container, rollback steps in the deployment's <c>on: failure</c> hook, and
/// continuation of time-budgeted jobs by the next scheduled run.
/// </summary>
public static class AzurePipelineWriter
{
    public static string Path(CiPipeline pipeline, bool first) => first ? "azure-pipelines.yml" : $"azure-pipelines.{pipeline.Name}.yml";

    public static string Write(CiPipeline pipeline, CiContext context)
    {
        var jobs = CiJobPlan.Resolve(pipeline, context.Catalog);
        var dispatch = pipeline.Triggers.OfType<DispatchTrigger>().FirstOrDefault();
        if (jobs.Any(j => j.Job.TimeBudget is not null) && !pipeline.Triggers.OfType<ScheduleTrigger>().Any())
            throw new UsageException("SLU080", $"pipeline {pipeline.Name}: a time-budgeted job needs a CiTrigger.Schedule, which continues it on Azure Pipelines",
                "add CiTrigger.Schedule(\"*/30 * * * *\")");

        var root = new YMap();
        var push = pipeline.Triggers.OfType<PushTrigger>().FirstOrDefault();
        root.Add("trigger", push is null ? "none" : new YMap { { "branches", new YMap { { "include", Strings(push.Branches) } } } });
        var pr = pipeline.Triggers.OfType<PullRequestTrigger>().FirstOrDefault();
        root.Add("pr", pr is null ? "none" : new YMap { { "branches", new YMap { { "include", Strings(pr.Branches) } } } });
        var schedules = pipeline.Triggers.OfType<ScheduleTrigger>().Select(s => (Y)new YMap
        {
            { "cron", s.Cron },
            { "displayName", $"{pipeline.Name}: continue work in progress" },
            { "branches", new YMap { { "include", Strings(s.Branches) } } },
            // Microsoft's schema types Azure booleans as the strings "true"/"false" (its parser reads every scalar as text).
            { "always", "true" },
        }).ToList();
        if (schedules.Count > 0) root.Add("schedules", new YSequence(schedules));
        if (dispatch is not null || jobs.Any(j => j.Job.Environment == CiJob.FromDispatch))
        {
            root.Add("parameters", new YSequence(new YMap
            {
                { "name", "env" },
                { "displayName", "The environment to act on (.nuke/parameters.<env>.json)" },
                { "type", "string" },
                { "default", dispatch?.DefaultEnvironment ?? EnvironmentProfiles.DefaultEnvironment },
                { "values", Strings(context.Environments) },
            }));
        }
        if (jobs.Any(j => j.Job.Postgres))
        {
            root.Add("resources", new YMap
            {
                { "containers", new YSequence(new YMap
                    {
                        { "container", "postgres" },
                        { "image", "postgres:15" },
                        { "env", new YMap { { "POSTGRES_PASSWORD", "postgres" } } },
                        { "ports", new YSequence("5432:5432") },
                    })
                },
            });
        }
        // Runs that act on the same environments queue behind each other instead of overlapping.
        if (jobs.Any(j => j.IsDeployment)) root.Add("lockBehavior", "sequential");
        root.Add("pool", new YMap { { "vmImage", pipeline.AzureVmImage } });

        var rollbackOf = jobs.Where(j => j.Job.RunsWhenFailed is not null).ToDictionary(j => j.Job.RunsWhenFailed!, j => j);
        var list = new List<Y>();
        foreach (var job in jobs)
        {
            if (job.Job.RunsWhenFailed is { } watched && jobs.First(j => j.Id == watched).IsDeployment) continue; // lives in that job's on: failure
            list.Add(Job(job, jobs, context, rollbackOf.GetValueOrDefault(job.Id)));
        }
        root.Add("jobs", new YSequence(list));
        return root.ToYaml(CiContext.Header);
    }

    private static YMap Job(CiJobPlan plan, IReadOnlyList<CiJobPlan> all, CiContext context, CiJobPlan? rollback)
    {
        var job = plan.Job;
        var environment = job.Environment == CiJob.FromDispatch ? "${{ parameters.env }}" : job.Environment;
        var map = new YMap
        {
            { plan.IsDeployment ? "deployment" : "job", Id(plan.Id) },
            { "displayName", environment is null ? plan.Target.Name : $"{plan.Target.Name} ({environment})" },
            { "dependsOn", plan.Needs.Count > 0 ? Strings(plan.Needs.Select(Id)) : null },
            { "condition", Condition(plan, all) },
            // Microsoft's schema types this as a string (it may hold an expression).
            { "timeoutInMinutes", plan.TimeoutMinutes?.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        };
        if (environment is not null) map.Add("variables", new YSequence(new YMap { { "group", $"sluice-{environment}" } }));
        if (job.Postgres) map.Add("services", new YMap { { "postgres", "postgres" } });

        var steps = Steps(plan, environment, context);
        if (!plan.IsDeployment)
        {
            map.Add("steps", new YSequence(steps));
            return map;
        }
        map.Add("environment", environment);
        var runOnce = new YMap { { "deploy", new YMap { { "steps", new YSequence(steps) } } } };
        if (rollback is not null)
            runOnce.Add("on", new YMap { { "failure", new YMap { { "steps", new YSequence(Steps(rollback, environment, context)) } } } });
        map.Add("strategy", new YMap { { "runOnce", runOnce } });
        return map;
    }

    private static List<Y> Steps(CiJobPlan plan, string? environment, CiContext context)
    {
        var steps = new List<Y>
        {
            new YMap { { "checkout", "self" } },
            new YMap { { "task", "UseDotNet@2" }, { "inputs", new YMap { { "useGlobalJson", true } } } },
        };
        foreach (var (evidence, _) in plan.Downloads)
        {
            steps.Add(new YMap
            {
                { "task", "DownloadPipelineArtifact@2" },
                { "displayName", $"Download {evidence}" },
                { "inputs", new YMap { { "artifactName", evidence }, { "targetPath", $"$(Build.SourcesDirectory)/{EvidenceFolder(context, evidence)}" } } },
            });
        }

        var env = context.StepEnvironment(plan, name => $"$({name})");
        var command = plan.Command(environment);
        var script = plan.Job.TimeBudget is null
            ? command
            : CiContext.BudgetedScript(command, "echo \"##vso[task.setvariable variable=exitCode;isOutput=true]$code\"",
                $"echo \"##vso[task.logissue type=warning]Time budget used: the next scheduled run continues {plan.Target.Name}.\"");
        steps.Add(new YMap
        {
            { "bash", script },
            { "name", plan.Job.TimeBudget is null ? null : "run" },
            { "displayName", plan.Target.Name },
            { "env", env.IsEmpty ? null : env },
        });
        foreach (var (evidence, path) in plan.Uploads)
            steps.Add(new YMap { { "publish", path }, { "artifact", evidence }, { "condition", "always()" } });
        return steps;
    }

    private static Y? Condition(CiJobPlan plan, IReadOnlyList<CiJobPlan> all)
    {
        if (plan.Job.RunsWhenFailed is { } watched) return $"failed('{Id(watched)}')";
        var budgeted = plan.Needs.Select(n => all.First(j => j.Id == n)).Where(j => j.Job.TimeBudget is not null).ToList();
        if (budgeted.Count == 0) return null;
        // Output variables of deployment jobs carry the job name as a prefix (runOnce: <job>.<step>.<var>).
        var checks = budgeted.Select(j => j.IsDeployment
            ? $"eq(dependencies.{Id(j.Id)}.outputs['{Id(j.Id)}.run.exitCode'], '0')"
            : $"eq(dependencies.{Id(j.Id)}.outputs['run.exitCode'], '0')");
        return $"and(succeeded(), {string.Join(", ", checks)})";
    }

    private static string EvidenceFolder(CiContext context, string evidence) =>
        System.IO.Path.GetDirectoryName(context.Catalog.Targets.SelectMany(t => t.Produces).First(p => p.Key == evidence).Value)?.Replace('\\', '/') ?? ".";

    /// <summary>Azure job names allow letters, digits and underscores only.</summary>
    private static string Id(string id) => id.Replace('-', '_');

    private static YSequence Strings(IEnumerable<string> values) => new(values.Select(v => (Y)v).ToList());
}
