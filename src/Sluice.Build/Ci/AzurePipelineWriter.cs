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
internal static class AzurePipelineWriter
{
    public static string Path(CiPipeline pipeline, bool first) => first ? "azure-pipelines.yml" : $"azure-pipelines.{pipeline.Name}.yml";

    private const string ScheduleJob = "continue_environments";
    private const string NoProgress = "none";

    /// <summary>The pipeline file, and for a <see cref="CiPipeline.Reusable"/> pipeline the template holding its jobs.</summary>
    public static IReadOnlyList<(string Path, string Content)> Write(CiPipeline pipeline, CiContext context, bool first)
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
        var schedules = pipeline.Triggers.OfType<ScheduleTrigger>().Select(s => (s.Cron, s.Branches, What: "continue work in progress"))
            .Concat(pipeline.Triggers.OfType<ScheduledRunTrigger>().Select(c => (c.Cron, c.Branches, What: "scheduled run")))
            .Select(s => (Y)new YMap
        {
            { "cron", s.Cron },
            { "displayName", $"{pipeline.Name}: {s.What}" },
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
            // "none" rather than empty: az pipelines run drops a parameter given as name= with no value.
            parameters.Add(new YMap { { "name", "progress" }, { "displayName", "The previous run's progress (a continuation passes it on, to stop one that makes none)" }, { "type", "string" }, { "default", NoProgress } });
        }
        if (parameters.Count > 0) root.Add("parameters", new YSequence(parameters));
        // Containers are declared once for the pipeline (CiJobServicesCheck saw that same names mean the same container).
        var containers = jobs.SelectMany(j => j.Job.Services).DistinctBy(c => c.Name).Select(c => (Y)c.ToYaml(new YMap { { "container", c.Name } })).ToList();
        if (containers.Count > 0) root.Add("resources", new YMap { { "containers", new YSequence(containers) } });
        // Queues runs on the same environment behind each other, but only where the environment has an Exclusive Lock
        // check (docs/ci-setup.md says so).
        if (jobs.Any(j => j.IsDeployment)) root.Add("lockBehavior", "sequential");
        root.Add("pool", new YMap { { "vmImage", pipeline.AzureVmImage } });

        var stages = Stages.Of(jobs);
        var byStage = new List<(string? Stage, Y Job)>();
        if (scheduled) byStage.Add((stages.First, ScheduleContinuations(dispatched, context)));
        foreach (var job in jobs)
        {
            byStage.Add((stages.Of(job.Id), Job(job, jobs, context, platform, scheduled, pr is not null, stages, pipeline.Reusable)));
            if (job.Job.TimeBudget is not null) byStage.Add((stages.Of(job.Id), Continuation(job, dispatched, stages)));
        }
        Y body;
        if (!stages.Used) body = new YSequence(byStage.Select(j => j.Job).ToList());
        else
        {
            // One stage per environment: an environment's approvals and Exclusive Lock are requested when its stage
            // starts, so production's are not asked for before staging has run.
            var list = new List<Y>();
            foreach (var stage in byStage.Select(j => j.Stage!).Distinct())
            {
                var after = jobs.Where(j => stages.Of(j.Id) == stage).SelectMany(j => j.Needs).Select(stages.Of).OfType<string>().Where(o => o != stage).Distinct().ToList();
                list.Add(new YMap
                {
                    { "stage", stage },
                    { "dependsOn", after.Count > 0 ? Strings(after) : null },
                    { "jobs", new YSequence(byStage.Where(j => j.Stage == stage).Select(j => j.Job).ToList()) },
                });
            }
            body = new YSequence(list);
        }
        var bodyKey = stages.Used ? "stages" : "jobs";
        if (!pipeline.Reusable)
        {
            root.Add(bodyKey, body);
            return [(Path(pipeline, first), root.ToYaml(CiContext.Header))];
        }
        // Reusable: the jobs live in a template a team's own pipeline can include (once per service, each with its
        // service); the generated pipeline is one such caller, passing its parameters through.
        var templateParameters = new List<Y>(parameters)
        {
            new YMap { { "name", "service" }, { "displayName", "Which service under the pipelines folder (empty: the only one)" }, { "type", "string" }, { "default", "" } },
        };
        var template = new YMap { { "parameters", new YSequence(templateParameters) }, { bodyKey, body } };
        var passed = new YMap();
        IEnumerable<string> names = [.. dispatched ? ["env"] : Array.Empty<string>(), .. continued || scheduled ? ["continueOnly", "attempt", "progress"] : Array.Empty<string>()];
        foreach (var name in names) passed.Add(name, $"${{{{ parameters.{name} }}}}");
        passed.Add("service", "");
        root.Add(bodyKey, new YSequence(new YMap { { "template", TemplatePath(pipeline) }, { "parameters", passed } }));
        return [(Path(pipeline, first), root.ToYaml(CiContext.Header)), (TemplatePath(pipeline), template.ToYaml(CiContext.Header))];
    }

    /// <summary>Where a reusable pipeline's jobs live, relative to the repository root (and so to its caller).</summary>
    public static string TemplatePath(CiPipeline pipeline) => $"azure-pipelines.templates/{pipeline.Name}.template.yml";

    /// <summary>
    /// Which stage each job runs in, when the pipeline acts on more than one fixed environment: a deployment job in its
    /// environment's stage; any other job in the stage of the first deployment it follows (a smoke test after
    /// staging), else in <c>build</c>. Null stages (one environment, or one chosen per run) mean plain jobs.
    /// </summary>
    private sealed record Stages(IReadOnlyDictionary<string, string> ByJob)
    {
        public bool Used => ByJob.Count > 0;
        public string? First => ByJob.Values.FirstOrDefault();
        public string? Of(string job) => ByJob.GetValueOrDefault(job);

        public static Stages Of(IReadOnlyList<CiJobPlan> jobs)
        {
            var fixedEnvironments = jobs.Select(j => j.Job.Environment).OfType<string>().Where(e => e != CiJob.FromDispatch).Distinct().Count();
            if (fixedEnvironments < 2) return new(new Dictionary<string, string>());
            var byJob = new Dictionary<string, string>();
            string StageOf(CiJobPlan job)
            {
                if (byJob.TryGetValue(job.Id, out var known)) return known;
                var stage = job.Job.Environment is { } env ? Id(env)
                    : job.Needs.Select(n => jobs.First(j => j.Id == n)).Where(n => n.IsDeployment || byJob.ContainsKey(n.Id)).Select(StageOf).FirstOrDefault() ?? "build";
                return byJob[job.Id] = stage;
            }
            foreach (var job in jobs) StageOf(job);
            return new(byJob);
        }
    }

    private static YMap Job(CiJobPlan plan, IReadOnlyList<CiJobPlan> all, CiContext context, CiPlatform platform, bool scheduled, bool pullRequests, Stages stages, bool templated)
    {
        var job = plan.Job;
        var environment = job.Environment == CiJob.FromDispatch ? "${{ parameters.env }}" : job.Environment;
        var map = new YMap
        {
            { plan.IsDeployment ? "deployment" : "job", Id(plan.Id) },
            { "displayName", environment is null ? plan.Target.Name : $"{plan.Target.Name} ({environment})" },
            { "dependsOn", plan.Needs.Where(n => stages.Of(n) == stages.Of(plan.Id)).ToList() is { Count: > 0 } needs ? Strings(needs.Select(Id)) : null },
            { "condition", Condition(plan, all, scheduled, pullRequests, stages) },
            // Microsoft's schema types this as a string (it may hold an expression).
            { "timeoutInMinutes", platform.TimeoutMinutes(plan).ToString(System.Globalization.CultureInfo.InvariantCulture) },
        };
        var variables = new List<Y>();
        if (environment is not null) variables.Add(new YMap { { "group", $"sluice-{environment}" } });
        if (plan.RollbackSource is { } source)
            variables.Add(new YMap { { "name", "rollbackPlan" }, { "value", $"$[ {Output(plan, all.First(j => j.Id == source.Job), source.Output, stages)} ]" } });
        if (variables.Count > 0) map.Add("variables", new YSequence(variables));
        if (job.Services.Count > 0)
        {
            var services = new YMap();
            foreach (var service in job.Services) services.Add(service.Name, service.Name);
            map.Add("services", services);
        }

        var steps = Steps(plan, environment, context, platform, templated);
        if (!plan.IsDeployment)
        {
            if (job.Matrix is { } matrix) map.Add("strategy", new YMap { { "matrix", Matrix(matrix) } });
            // A plain job's hooks are steps after its target: on success by default, on failure under failed().
            foreach (var (point, hook) in plan.HookSteps(p => p is CiHookPoint.OnSuccess or CiHookPoint.OnFailure))
            {
                var step = HookStep(plan, environment, context, templated, point, hook);
                if (point == CiHookPoint.OnFailure) step.Add("condition", "failed()");
                steps.Add(step);
            }
            map.Add("steps", new YSequence(steps));
            return map;
        }
        map.Add("environment", environment);
        var runOnce = new YMap();
        // Each hook runs as an agent job of its own: each checks out and sets up again.
        YMap Hook(CiHookPoint point) => new() { { "steps", new YSequence([.. Setup(plan, context), .. plan.HookSteps(p => p == point).Select(h => HookStep(plan, environment, context, templated, h.Point, h.Step))]) } };
        if (plan.HookSteps(p => p == CiHookPoint.PreDeploy).Count > 0) runOnce.Add("preDeploy", Hook(CiHookPoint.PreDeploy));
        runOnce.Add("deploy", new YMap { { "steps", new YSequence(steps) } });
        if (plan.HookSteps(p => p == CiHookPoint.RouteTraffic).Count > 0) runOnce.Add("routeTraffic", Hook(CiHookPoint.RouteTraffic));
        if (plan.HookSteps(p => p == CiHookPoint.PostRouteTraffic).Count > 0) runOnce.Add("postRouteTraffic", Hook(CiHookPoint.PostRouteTraffic));
        var on = new YMap();
        foreach (var point in new[] { CiHookPoint.OnSuccess, CiHookPoint.OnFailure })
            if (plan.HookSteps(p => p == point).Count > 0) on.Add(point.AzureKey(), Hook(point));
        if (!on.IsEmpty) runOnce.Add("on", on);
        map.Add("strategy", new YMap { { "runOnce", runOnce } });
        return map;
    }

    /// <summary>One entry per cell, named after the matrix and the label (Azure shows it beside the job's name).</summary>
    private static YMap Matrix(CiMatrix matrix)
    {
        var cells = new YMap();
        foreach (var cell in matrix.Cells)
        {
            var variables = new YMap { { matrix.Name, cell.Label } };
            foreach (var (name, value) in cell.Variables.OrderBy(v => v.Key, StringComparer.Ordinal)) variables.Add(name, value);
            cells.Add($"{matrix.Name}_{cell.Label.Replace('.', '_').Replace('-', '_')}", variables);
        }
        return cells;
    }

    /// <summary>The variables every build step of the job gets: its secrets and variables, packages, environment,
    /// service and matrix cell.</summary>
    private static YMap StepEnvironment(CiJobPlan plan, string? environment, CiContext context, bool templated, Action<YMap>? runtime = null)
    {
        var env = context.StepEnvironment(plan, name => $"$({name})");
        env.Add(CiScript.NuGetPackagesVariable, "$(Pipeline.Workspace)/.nuget/packages");
        if (environment is not null) env.Add(CiScript.EnvironmentVariable, environment);
        runtime?.Invoke(env);
        // Empty is unset (the only service); a caller composing several services names one per include.
        if (templated) env.Add(CiScript.ServiceVariable, "${{ parameters.service }}");
        foreach (var name in (plan.Job.Matrix?.Cells[0].Variables.Keys ?? []).Order(StringComparer.Ordinal)) env.Add(name, $"$({name})");
        return env;
    }

    /// <summary>A lifecycle step: its output variables are read by later steps as <c>$(step.var)</c>.</summary>
    private static YMap HookStep(CiJobPlan plan, string? environment, CiContext context, bool templated, CiHookPoint point, CiHookStep step)
    {
        var env = StepEnvironment(plan, environment, context, templated);
        var script = CiScript.Run(plan.HookCommand(step), $"echo \"##vso[task.setvariable variable={CiOutputs.ExitCode};isOutput=true]$code\"", continued: false);
        if (step.RevertsFailedPlan)
        {
            var left = plan.StepsThatMayLeaveAPlan;
            for (var i = 0; i < left.Count; i++) env.Add(CiScript.LeftPlanVariable(i + 1), $"$({left[i]}.{CiOutputs.RollbackPlan})");
            script = CiScript.RevertFailedPlan(script, left.Count);
        }
        return new YMap { { "bash", script }, { "name", step.Id(point) }, { "displayName", $"{step.Target} ({point.AzureKey()})" }, { "env", env } };
    }

    private static List<Y> Setup(CiJobPlan plan, CiContext context)
    {
        var steps = new List<Y>
        {
            new YMap { { "checkout", "self" } },
            new YMap { { "task", "UseDotNet@2" }, { "inputs", new YMap { { "useGlobalJson", true } } } },
            new YMap
            {
                { "task", "Cache@2" },
                { "displayName", "NuGet cache" },
                { "inputs", new YMap { { "key", "nuget | \"$(Agent.OS)\" | **/*.csproj,**/Directory.Packages.props,global.json" }, { "restoreKeys", "nuget | \"$(Agent.OS)\"" }, { "path", "$(Pipeline.Workspace)/.nuget/packages" } } },
            },
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
        return steps;
    }

    private static List<Y> Steps(CiJobPlan plan, string? environment, CiContext context, CiPlatform platform, bool templated)
    {
        var steps = Setup(plan, context);
        var env = StepEnvironment(plan, environment, context, templated, runtime: env =>
        {
            if (plan.RollbackSource is not null) env.Add(CiScript.RollbackPlanVariable, "$(rollbackPlan)");
            if (plan.Job.TimeBudget is not null) env.Add(CiScript.ContinueOnlyVariable, "${{ parameters.continueOnly }}");
        });
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
    private static Y? Condition(CiJobPlan plan, IReadOnlyList<CiJobPlan> all, bool scheduled, bool pullRequests, Stages stages)
    {
        if (plan.RollbackSource is { } source)
        {
            var watched = plan.Job.RunsWhenFailed!;
            var producer = all.First(j => j.Id == source.Job);
            return source.Job == watched
                ? $"and(failed('{Id(watched)}'), ne({Output(plan, producer, CiOutputs.RollbackPlan, stages)}, ''))"
                : $"and(failed('{Id(watched)}'), eq({Output(plan, producer, CiOutputs.ExitCode, stages)}, '0'), ne({Output(plan, producer, CiOutputs.Plan, stages)}, ''))";
        }
        var checks = plan.NeedsWorkOf.Select(n => all.First(j => j.Id == n)).Where(j => j.Job.TimeBudget is not null)
            .Select(j => $"eq({Output(plan, j, CiOutputs.ExitCode, stages)}, '0')").ToList();
        if (scheduled && plan.Needs.Count == 0) checks.Add("ne(variables['Build.Reason'], 'Schedule')");
        if (pullRequests && plan.IsDeployment) checks.Add("ne(variables['Build.Reason'], 'PullRequest')");
        return checks.Count == 0 ? null : $"and(succeeded(), {string.Join(", ", checks)})";
    }

    /// <summary>An output of a job this one depends on. Output variables of deployment jobs carry the job name as a
    /// prefix (runOnce: <c>&lt;job&gt;.&lt;step&gt;.&lt;var&gt;</c>); a job of another stage is read through
    /// <c>stageDependencies.&lt;stage&gt;</c>.</summary>
    private static string Output(CiJobPlan consumer, CiJobPlan producer, string output, Stages stages)
    {
        var from = stages.Of(producer.Id) is { } stage && stage != stages.Of(consumer.Id) ? $"stageDependencies.{stage}.{Id(producer.Id)}" : $"dependencies.{Id(producer.Id)}";
        return producer.IsDeployment ? $"{from}.outputs['{Id(producer.Id)}.run.{output}']" : $"{from}.outputs['run.{output}']";
    }

    /// <summary>After exit 4 (incomplete) or 3 (busy): queue the pipeline again for the same environment and commit,
    /// with the pipeline's own access token, no checkout and no secrets.</summary>
    private static YMap Continuation(CiJobPlan plan, bool dispatched, Stages stages)
    {
        var exit = Output(plan, plan, CiOutputs.ExitCode, stages);
        var envParameter = dispatched ? $" env=\"${CiScript.EnvironmentVariable}\"" : "";
        return new YMap
        {
            { "job", $"continue_{Id(plan.Id)}" },
            { "displayName", $"Continue {plan.Target.Name}" },
            { "dependsOn", Strings([Id(plan.Id)]) },
            { "condition", $"in({exit}, '3', '4')" },
            { "timeoutInMinutes", "5" },
            { "variables", new YSequence(
                new YMap { { "name", "exitCode" }, { "value", $"$[ {exit} ]" } },
                new YMap { { "name", "plan" }, { "value", $"$[ {Output(plan, plan, CiOutputs.Plan, stages)} ]" } },
                new YMap { { "name", "progress" }, { "value", $"$[ {Output(plan, plan, CiOutputs.Progress, stages)} ]" } }) },
            { "steps", new YSequence(
                new YMap { { "checkout", "none" } },
                new YMap
                {
                    { "bash", CiScript.NextAttempt(plan.Target.Name, message => $"echo \"##vso[task.logissue type=error]{message}\"") + "\n" +
                        "az devops configure --defaults organization=\"$(System.CollectionUri)\" project=\"$(System.TeamProject)\"\n" +
                        $"az pipelines run --id \"$(System.DefinitionId)\" --branch \"$(Build.SourceBranch)\" --commit-id \"$(Build.SourceVersion)\" --parameters{envParameter} continueOnly=\"$continue_only\" attempt=\"$next\" progress=\"${{progress:-none}}\"" },
                    { "displayName", "Queue a follow-up run" },
                    { "env", new YMap
                        {
                            { "AZURE_DEVOPS_EXT_PAT", "$(System.AccessToken)" },
                            { "ATTEMPT", "${{ parameters.attempt }}" },
                            { "EXIT_CODE", "$(exitCode)" },
                            { "PLAN", "$(plan)" },
                            { "PROGRESS", "$(progress)" },
                            { "PREVIOUS_PROGRESS", "${{ parameters.progress }}" },
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
