namespace Sluice.Build.Ci;

/// <summary>
/// Writes a <see cref="CiPipeline"/> as an Azure Pipelines file:
/// - jobs with <c>dependsOn</c>; <c>deployment</c> jobs with an <c>environment</c> for jobs acting on one (approvals
///   and checks apply; <c>lockBehavior: sequential</c> queues runs once the environment has an Exclusive Lock check);
/// - a variable group per environment for secrets, mapped only for the secrets the job's targets read;
/// - deployment jobs publish their exit code and the target's outputs (<see cref="CiOutputs"/>);
/// - a rollback is a deployment job of its own (with the environment's approval) that reverts exactly the plan the
///   failed run's outputs name, never a bare <c>Rollback</c> in an <c>on: failure</c> hook;
/// - a time-budgeted job is continued after exit 4 (or retried after exit 3) by a job that queues the pipeline again
///   for the same environment and commit with the pipeline's access token;
/// - a schedule queues one continue-only run per environment and starts nothing itself.
/// </summary>
public static class AzurePipelineWriter
{
    public static string Path(CiPipeline pipeline, bool first) => first ? "azure-pipelines.yml" : $"azure-pipelines.{pipeline.Name}.yml";

    private const string ScheduleJob = "continue_environments";

    public static string Write(CiPipeline pipeline, CiContext context)
    {
        var jobs = CiJobPlan.Resolve(pipeline, context.Catalog);
        var platform = CiPlatform.Azure(pipeline);
        var dispatch = pipeline.Triggers.OfType<DispatchTrigger>().FirstOrDefault();
        var dispatched = dispatch is not null || jobs.Any(j => j.Job.Environment == CiJob.FromDispatch);
        var scheduled = pipeline.Triggers.OfType<ScheduleTrigger>().Any();
        var continued = jobs.Any(j => j.Job.TimeBudget is not null);

        var root = new YMap();
        var push = pipeline.Triggers.OfType<PushTrigger>().FirstOrDefault();
        // batch: a push while a run is in progress waits and joins the next run instead of overlapping it.
        root.Add("trigger", push is null ? "none" : new YMap { { "batch", "true" }, { "branches", new YMap { { "include", Strings(push.Branches) } } } });
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
        var parameters = new List<Y>();
        if (dispatched)
        {
            parameters.Add(new YMap
            {
                { "name", "env" },
                { "displayName", "The environment to act on (.nuke/parameters.<env>.json)" },
                { "type", "string" },
                { "default", dispatch?.DefaultEnvironment ?? EnvironmentProfiles.DefaultEnvironment },
                { "values", Strings(context.Environments) },
            });
        }
        if (continued || scheduled)
        {
            // Defaults as text: Microsoft's schema, like Azure's parser, reads every scalar as a string.
            parameters.Add(new YMap { { "name", "continueOnly" }, { "displayName", "Only continue a plan the journal shows in progress" }, { "type", "boolean" }, { "default", "false" } });
            parameters.Add(new YMap { { "name", "attempt" }, { "displayName", "Which follow-up run this is (a continuation counts them)" }, { "type", "number" }, { "default", "1" } });
        }
        if (parameters.Count > 0) root.Add("parameters", new YSequence(parameters));
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
                        { "options", "--health-cmd pg_isready --health-interval 5s --health-timeout 5s --health-retries 10" },
                    })
                },
            });
        }
        // Queues runs on the same environment behind each other, but only where the environment has an Exclusive Lock
        // check (docs/ci-setup.md says so).
        if (jobs.Any(j => j.IsDeployment)) root.Add("lockBehavior", "sequential");
        root.Add("pool", new YMap { { "vmImage", pipeline.AzureVmImage } });

        var list = new List<Y>();
        if (scheduled) list.Add(ScheduleContinuations(dispatched, context));
        foreach (var job in jobs)
        {
            list.Add(Job(job, jobs, context, platform, scheduled, pr is not null));
            if (job.Job.TimeBudget is not null) list.Add(Continuation(job, dispatched));
        }
        root.Add("jobs", new YSequence(list));
        return root.ToYaml(CiContext.Header);
    }

    private static YMap Job(CiJobPlan plan, IReadOnlyList<CiJobPlan> all, CiContext context, CiPlatform platform, bool scheduled, bool pullRequests)
    {
        var job = plan.Job;
        var environment = job.Environment == CiJob.FromDispatch ? "${{ parameters.env }}" : job.Environment;
        var map = new YMap
        {
            { plan.IsDeployment ? "deployment" : "job", Id(plan.Id) },
            { "displayName", environment is null ? plan.Target.Name : $"{plan.Target.Name} ({environment})" },
            { "dependsOn", plan.Needs.Count > 0 ? Strings(plan.Needs.Select(Id)) : null },
            { "condition", Condition(plan, all, scheduled, pullRequests) },
            // Microsoft's schema types this as a string (it may hold an expression).
            { "timeoutInMinutes", platform.TimeoutMinutes(plan).ToString(System.Globalization.CultureInfo.InvariantCulture) },
        };
        var variables = new List<Y>();
        if (environment is not null) variables.Add(new YMap { { "group", $"sluice-{environment}" } });
        if (plan.RollbackSource is { } source)
            variables.Add(new YMap { { "name", "rollbackPlan" }, { "value", $"$[ {Output(all.First(j => j.Id == source.Job), source.Output)} ]" } });
        if (variables.Count > 0) map.Add("variables", new YSequence(variables));
        if (job.Postgres) map.Add("services", new YMap { { "postgres", "postgres" } });

        var steps = Steps(plan, environment, context, platform);
        if (!plan.IsDeployment)
        {
            map.Add("steps", new YSequence(steps));
            return map;
        }
        map.Add("environment", environment);
        map.Add("strategy", new YMap { { "runOnce", new YMap { { "deploy", new YMap { { "steps", new YSequence(steps) } } } } } });
        return map;
    }

    private static List<Y> Steps(CiJobPlan plan, string? environment, CiContext context, CiPlatform platform)
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
        if (environment is not null) env.Add(CiScript.EnvironmentVariable, environment);
        if (plan.RollbackSource is not null) env.Add(CiScript.RollbackPlanVariable, "$(rollbackPlan)");
        if (plan.Job.TimeBudget is not null) env.Add(CiScript.ContinueOnlyVariable, "${{ parameters.continueOnly }}");
        var command = plan.Command(platform);
        var script = plan.IsDeployment
            ? CiScript.Run(command, $"echo \"##vso[task.setvariable variable={CiOutputs.ExitCode};isOutput=true]$code\"", continued: plan.Job.TimeBudget is not null)
            : command;
        steps.Add(new YMap
        {
            { "bash", script },
            { "name", plan.IsDeployment ? "run" : null },
            { "displayName", plan.Target.Name },
            { "env", env.IsEmpty ? null : env },
        });
        foreach (var (evidence, path) in plan.Uploads)
            steps.Add(new YMap { { "publish", path }, { "artifact", evidence }, { "condition", "always()" } });
        return steps;
    }

    /// <summary>The same rules as <see cref="GitHubWorkflowWriter"/>'s table, in Azure's expression language.</summary>
    private static Y? Condition(CiJobPlan plan, IReadOnlyList<CiJobPlan> all, bool scheduled, bool pullRequests)
    {
        if (plan.RollbackSource is { } source)
        {
            var watched = plan.Job.RunsWhenFailed!;
            var producer = all.First(j => j.Id == source.Job);
            return source.Job == watched
                ? $"and(failed('{Id(watched)}'), ne({Output(producer, CiOutputs.RollbackPlan)}, ''))"
                : $"and(failed('{Id(watched)}'), eq({Output(producer, CiOutputs.ExitCode)}, '0'), ne({Output(producer, CiOutputs.Plan)}, ''))";
        }
        var checks = plan.NeedsWorkOf.Select(n => all.First(j => j.Id == n)).Where(j => j.Job.TimeBudget is not null)
            .Select(j => $"eq({Output(j, CiOutputs.ExitCode)}, '0')").ToList();
        if (scheduled && plan.Needs.Count == 0) checks.Add("ne(variables['Build.Reason'], 'Schedule')");
        if (pullRequests && plan.IsDeployment) checks.Add("ne(variables['Build.Reason'], 'PullRequest')");
        return checks.Count == 0 ? null : $"and(succeeded(), {string.Join(", ", checks)})";
    }

    /// <summary>An output of a job this one depends on. Output variables of deployment jobs carry the job name as a
    /// prefix (runOnce: <c>&lt;job&gt;.&lt;step&gt;.&lt;var&gt;</c>).</summary>
    private static string Output(CiJobPlan producer, string output) => producer.IsDeployment
        ? $"dependencies.{Id(producer.Id)}.outputs['{Id(producer.Id)}.run.{output}']"
        : $"dependencies.{Id(producer.Id)}.outputs['run.{output}']";

    /// <summary>After exit 4 (incomplete) or 3 (busy): queue the pipeline again for the same environment and commit,
    /// with the pipeline's own access token, no checkout and no secrets.</summary>
    private static YMap Continuation(CiJobPlan plan, bool dispatched)
    {
        var exit = Output(plan, CiOutputs.ExitCode);
        var envParameter = dispatched ? $" env=\"${CiScript.EnvironmentVariable}\"" : "";
        return new YMap
        {
            { "job", $"continue_{Id(plan.Id)}" },
            { "displayName", $"Continue {plan.Target.Name}" },
            { "dependsOn", Strings([Id(plan.Id)]) },
            { "condition", $"in({exit}, '3', '4')" },
            { "timeoutInMinutes", "5" },
            { "variables", new YSequence(new YMap { { "name", "exitCode" }, { "value", $"$[ {exit} ]" } }) },
            { "steps", new YSequence(
                new YMap { { "checkout", "none" } },
                new YMap
                {
                    { "bash", CiScript.NextAttempt($"echo \"##vso[task.logissue type=error]{plan.Target.Name} took {CiScript.MaxAttempts} runs without finishing; look at ./build.sh Status before running it again\"") + "\n" +
                        "az devops configure --defaults organization=\"$(System.CollectionUri)\" project=\"$(System.TeamProject)\"\n" +
                        $"az pipelines run --id \"$(System.DefinitionId)\" --branch \"$(Build.SourceBranch)\" --commit-id \"$(Build.SourceVersion)\" --parameters{envParameter} continueOnly=\"$continue_only\" attempt=\"$next\"" },
                    { "displayName", "Queue a follow-up run" },
                    { "env", new YMap
                        {
                            { "AZURE_DEVOPS_EXT_PAT", "$(System.AccessToken)" },
                            { "ATTEMPT", "${{ parameters.attempt }}" },
                            { "EXIT_CODE", "$(exitCode)" },
                            { CiScript.EnvironmentVariable, plan.Job.Environment == CiJob.FromDispatch ? "${{ parameters.env }}" : plan.Job.Environment },
                            { CiScript.ContinueOnlyVariable, "${{ parameters.continueOnly }}" },
                        }
                    },
                })
            },
        };
    }

    /// <summary>A scheduled run starts nothing: it queues one continue-only run per environment.</summary>
    private static YMap ScheduleContinuations(bool dispatched, CiContext context) => new()
    {
        { "job", ScheduleJob },
        { "displayName", "Continue work in progress in every environment" },
        { "condition", "eq(variables['Build.Reason'], 'Schedule')" },
        { "timeoutInMinutes", "5" },
        { "steps", new YSequence(
            new YMap { { "checkout", "none" } },
            new YMap
            {
                { "bash", "az devops configure --defaults organization=\"$(System.CollectionUri)\" project=\"$(System.TeamProject)\"\n" +
                    (dispatched
                        ? $"for env in {string.Join(" ", context.Environments)}; do\n  az pipelines run --id \"$(System.DefinitionId)\" --branch \"$(Build.SourceBranch)\" --parameters env=\"$env\" continueOnly=true\ndone"
                        : "az pipelines run --id \"$(System.DefinitionId)\" --branch \"$(Build.SourceBranch)\" --parameters continueOnly=true") },
                { "displayName", "Queue continue-only runs" },
                { "env", new YMap { { "AZURE_DEVOPS_EXT_PAT", "$(System.AccessToken)" } } },
            })
        },
    };

    private static string EvidenceFolder(CiContext context, string evidence) =>
        System.IO.Path.GetDirectoryName(context.Catalog.Targets.SelectMany(t => t.Produces).First(p => p.Key == evidence).Value)?.Replace('\\', '/') ?? ".";

    /// <summary>Azure job names allow letters, digits and underscores only.</summary>
    private static string Id(string id) => id.Replace('-', '_');

    private static YSequence Strings(IEnumerable<string> values) => new(values.Select(v => (Y)v).ToList());
}
