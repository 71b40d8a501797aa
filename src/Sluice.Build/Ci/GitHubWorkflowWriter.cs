namespace Sluice.Build.Ci;

/// <summary>
/// Writes a <see cref="CiPipeline"/> as a GitHub Actions workflow:
/// - jobs with <c>needs</c>; <c>environment:</c> for jobs acting on one (so required reviewers and wait timers apply);
/// - workflow-level concurrency per environment that queues every run (<c>queue: max</c>) and never cancels one;
/// - deployment jobs publish their exit code and the target's outputs (<see cref="CiOutputs"/>);
/// - a rollback job reverts exactly the plan the failed run's outputs name (<see cref="CiJobPlan.RollbackSource"/>);
/// - a time-budgeted job is continued after exit 4 (or retried after exit 3) by a small job that dispatches the
///   workflow again for the same environment and commit, with no secrets and no checkout;
/// - a schedule dispatches a continue-only run per environment and starts nothing itself;
/// - each job gets only the secrets its targets read, through <c>env:</c>; actions are pinned by SHA.
/// </summary>
internal static class GitHubWorkflowWriter
{
    public static string Path(CiPipeline pipeline) => $".github/workflows/{pipeline.Name}.yml";

    private const string ScheduleJob = "schedule-continuations";

    public static string Write(CiPipeline pipeline, CiContext context)
    {
        var jobs = CiJobPlan.Resolve(pipeline, context.Catalog);
        var platform = CiPlatform.GitHub(pipeline);
        var dispatch = pipeline.Triggers.OfType<DispatchTrigger>().FirstOrDefault();
        if (dispatch is null && pipeline.Jobs.Any(j => j.TimeBudget is not null || j.Environment == CiJob.FromDispatch))
            throw new UsageException(EngineErrorCodes.BadPipeline, $"pipeline {pipeline.Name}: a job uses the dispatched environment or a time budget, but the pipeline has no Dispatch trigger",
                "add CiTrigger.Dispatch() so runs can be started by hand and continued");
        var shape = new Shape(pipeline, dispatch, pipeline.Triggers.OfType<ScheduleTrigger>().Any(), jobs.Any(j => j.Job.Environment == CiJob.FromDispatch));

        var workflow = new YMap
        {
            { "name", pipeline.DisplayName ?? pipeline.Name },
            { "on", Triggers(pipeline, context, dispatch) },
            { "permissions", new YMap { { "contents", "read" } } },
            { "concurrency", Concurrency(shape, jobs) },
        };
        var jobMap = new YMap();
        if (shape.FansOutSchedule) jobMap.Add(ScheduleJob, ScheduleContinuations(shape, context));
        foreach (var job in jobs)
        {
            jobMap.Add(job.Id, Job(shape, job, jobs, context, platform));
            if (job.Job.TimeBudget is not null) jobMap.Add($"continue-{job.Id}", Continuation(shape, job));
        }
        workflow.Add("jobs", jobMap);
        return PinComments(workflow.ToYaml(CiContext.Header));
    }

    /// <summary>What the whole workflow decides once: whether runs are dispatched per environment, whether a schedule fans out.</summary>
    private sealed record Shape(CiPipeline Pipeline, DispatchTrigger? Dispatch, bool Scheduled, bool Dispatched)
    {
        public bool PullRequests => Pipeline.Triggers.OfType<PullRequestTrigger>().Any();
        /// <summary>A schedule with per-environment jobs dispatches one continue-only run per environment instead of running them.</summary>
        public bool FansOutSchedule => Scheduled && Dispatched;
        public string EnvironmentExpression => "inputs.env || '" + (Dispatch?.DefaultEnvironment ?? EnvironmentProfiles.DefaultEnvironment) + "'";
    }

    private static YMap Triggers(CiPipeline pipeline, CiContext context, DispatchTrigger? dispatch)
    {
        var on = new YMap();
        foreach (var push in pipeline.Triggers.OfType<PushTrigger>()) on.Add("push", new YMap { { "branches", Strings(push.Branches) } });
        foreach (var pr in pipeline.Triggers.OfType<PullRequestTrigger>()) on.Add("pull_request", new YMap { { "branches", Strings(pr.Branches) } });
        var schedules = pipeline.Triggers.OfType<ScheduleTrigger>().Select(s => s.Cron).Concat(pipeline.Triggers.OfType<ScheduledRunTrigger>().Select(c => c.Cron))
            .Select(cron => (Y)new YMap { { "cron", cron } }).ToList();
        if (schedules.Count > 0) on.Add("schedule", new YSequence(schedules));
        if (dispatch is not null)
        {
            var inputs = new YMap
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
                { "continue_only", new YMap { { "description", "Only continue a plan the journal shows in progress" }, { "type", "boolean" }, { "default", false } } },
                { "sha", new YMap { { "description", "The commit to run (a continuation runs the commit that was approved)" }, { "type", "string" }, { "default", "" } } },
                { "attempt", new YMap { { "description", "Which follow-up run this is (a continuation counts them)" }, { "type", "number" }, { "default", 1 } } },
                { "progress", new YMap { { "description", "The previous run's progress (a continuation passes it on, to stop one that makes none)" }, { "type", "string" }, { "default", "" } } },
            };
            on.Add("workflow_dispatch", new YMap { { "inputs", inputs } });
            if (pipeline.Reusable)
            {
                // The same inputs for a calling workflow; a choice is a string there.
                var called = new YMap
                {
                    { "env", new YMap { { "description", "The environment to act on" }, { "type", "string" }, { "default", dispatch.DefaultEnvironment } } },
                };
                foreach (var (name, input) in inputs.Where(i => i.Key != "env")) called.Add(name, input);
                on.Add("workflow_call", new YMap { { "inputs", called } });
            }
        }
        else if (pipeline.Reusable) on.Add("workflow_call", new YMap());
        return on;
    }

    /// <summary>One group per environment; every run waits its turn, none is cancelled (a pending rollback or
    /// follow-up included). The schedule's own run only dispatches, so it takes a group of its own.</summary>
    private static YMap? Concurrency(Shape shape, IReadOnlyList<CiJobPlan> jobs)
    {
        // Runs that act on no environment (the schedule's dispatcher, a pull request's rehearsal) queue apart.
        var apart = (shape.FansOutSchedule ? "github.event_name == 'schedule' && 'schedule' || " : "")
            + (shape.PullRequests ? "github.event_name == 'pull_request' && github.ref || " : "");
        string group;
        if (shape.Dispatched)
            group = $"sluice-${{{{ {apart}{shape.EnvironmentExpression} }}}}";
        else if (jobs.Select(j => j.Job.Environment).OfType<string>().Distinct().ToList() is { Count: > 0 } environments)
            group = apart.Length == 0 ? "sluice-" + string.Join("-", environments) : $"sluice-${{{{ {apart}'{string.Join("-", environments)}' }}}}";
        else return null;
        return new YMap { { "group", group }, { "cancel-in-progress", false }, { "queue", "max" } };
    }

    private static YMap Job(Shape shape, CiJobPlan plan, IReadOnlyList<CiJobPlan> all, CiContext context, CiPlatform platform)
    {
        var job = plan.Job;
        var environment = job.Environment == CiJob.FromDispatch ? $"${{{{ {shape.EnvironmentExpression} }}}}" : job.Environment;
        var map = new YMap
        {
            { "name", environment is not null ? $"{plan.Target.Name} ({environment})" : job.Matrix is { } m ? $"{plan.Target.Name} ({m.Name} ${{{{ matrix.{m.Name} }}}})" : plan.Target.Name },
            { "needs", plan.Needs.Count > 0 ? Strings(plan.Needs) : null },
            { "if", Condition(shape, plan, all) },
            { "runs-on", shape.Pipeline.RunsOn },
            { "timeout-minutes", platform.TimeoutMinutes(plan) },
            { "environment", environment is null ? null : job.Url is null ? environment : new YMap { { "name", environment }, { "url", job.Url } } },
            { "permissions", Permissions(shape, job) },
            { "strategy", job.Matrix is { } matrix ? Strategy(matrix) : null },
        };
        if (plan.IsDeployment)
        {
            var outputs = new YMap();
            foreach (var output in CiOutputs.All) outputs.Add(output, $"${{{{ steps.run.outputs.{output} }}}}");
            map.Add("outputs", outputs);
        }
        if (job.Services.Count > 0)
        {
            var services = new YMap();
            foreach (var service in job.Services) services.Add(service.Name, service.ToYaml());
            map.Add("services", services);
        }

        var steps = new List<Y>
        {
            new YMap { { "uses", GitHubActionPins.Checkout }, { "with", shape.Dispatch is null ? null : new YMap { { "ref", "${{ inputs.sha || github.sha }}" } } } },
            new YMap { { "uses", GitHubActionPins.SetupDotnet }, { "with", new YMap { { "global-json-file", "global.json" } } } },
            new YMap
            {
                { "name", "NuGet cache" },
                { "uses", GitHubActionPins.Cache },
                { "with", new YMap { { "path", "~/.nuget/packages" }, { "key", "nuget-${{ runner.os }}-${{ hashFiles('**/*.csproj', '**/Directory.Packages.props', 'global.json') }}" }, { "restore-keys", "nuget-${{ runner.os }}-" } } },
            },
        };
        foreach (var (evidence, from) in plan.Downloads)
            steps.Add(new YMap { { "name", $"Download {evidence} from {from}" }, { "uses", GitHubActionPins.DownloadArtifact }, { "with", new YMap { { "name", evidence }, { "path", EvidencePath(context, evidence) } } } });
        foreach (var (point, hook) in plan.HookSteps(p => p == CiHookPoint.PreDeploy)) steps.Add(HookStep(shape, plan, context, point, hook));
        steps.Add(RunStep(shape, plan, context, platform));
        foreach (var (point, hook) in plan.HookSteps(p => p is CiHookPoint.RouteTraffic or CiHookPoint.PostRouteTraffic)) steps.Add(HookStep(shape, plan, context, point, hook));
        foreach (var (point, hook) in plan.HookSteps(p => p is CiHookPoint.OnSuccess or CiHookPoint.OnFailure)) steps.Add(HookStep(shape, plan, context, point, hook));
        foreach (var (evidence, path) in plan.Uploads)
            steps.Add(new YMap
            {
                { "name", $"Upload {evidence}" },
                { "if", "always()" },
                { "uses", GitHubActionPins.UploadArtifact },
                { "with", new YMap { { "name", evidence }, { "path", path }, { "if-no-files-found", "error" }, { "retention-days", 30 } } },
            });
        map.Add("steps", new YSequence(steps));
        return map;
    }

    /// <summary>The job's token permissions beyond the workflow's <c>contents: read</c>: an OIDC token, and what its
    /// targets do on GitHub (<see cref="CiJob.TokenPermissions"/>); null keeps the workflow's.</summary>
    private static YMap? Permissions(Shape shape, CiJob job)
    {
        if (!shape.Pipeline.Oidc && job.TokenPermissions.Count == 0) return null;
        var permissions = new YMap { { "contents", "read" } };
        if (shape.Pipeline.Oidc) permissions.Add("id-token", "write");
        foreach (var (scope, access) in job.TokenPermissions.OrderBy(p => p.Key, StringComparer.Ordinal)) permissions.Add(scope, access);
        return permissions;
    }

    /// <summary>Every cell one <c>include</c> entry: its label under the matrix's name, and its variables.</summary>
    private static YMap Strategy(CiMatrix matrix)
    {
        var cells = matrix.Cells.Select(cell =>
        {
            var entry = new YMap { { matrix.Name, cell.Label } };
            foreach (var (name, value) in cell.Variables.OrderBy(v => v.Key, StringComparer.Ordinal)) entry.Add(name, value);
            return (Y)entry;
        }).ToList();
        return new YMap { { "fail-fast", false }, { "matrix", new YMap { { "include", new YSequence(cells) } } } };
    }

    /// <summary>The variables every build step of the job gets: its secrets and variables, its environment, its matrix cell's.</summary>
    private static YMap StepEnvironment(Shape shape, CiJobPlan plan, CiContext context)
    {
        var env = context.StepEnvironment(plan, name => $"${{{{ secrets.{name} }}}}");
        if (plan.IsDeployment)
            env.Add(CiScript.EnvironmentVariable, plan.Job.Environment == CiJob.FromDispatch ? $"${{{{ {shape.EnvironmentExpression} }}}}" : plan.Job.Environment);
        foreach (var name in (plan.Job.Matrix?.Cells[0].Variables.Keys ?? []).Order(StringComparer.Ordinal)) env.Add(name, $"${{{{ matrix.{name} }}}}");
        if (plan.Job.TokenPermissions.Count > 0) env.Add(CiScript.GitHubTokenVariable, "${{ github.token }}");
        return env;
    }

    /// <summary>A lifecycle step in the environment's job: after the steps before it succeeded, or, in
    /// <c>OnFailure</c>, after one failed (<see cref="CiLifecycle"/>).</summary>
    private static YMap HookStep(Shape shape, CiJobPlan plan, CiContext context, CiHookPoint point, CiHookStep step)
    {
        var env = StepEnvironment(shape, plan, context);
        var script = CiScript.Run(plan.HookCommand(step), $"echo \"{CiOutputs.ExitCode}=$code\" >> \"$GITHUB_OUTPUT\"", continued: false);
        if (step.RevertsFailedPlan)
        {
            var left = plan.StepsThatMayLeaveAPlan;
            for (var i = 0; i < left.Count; i++) env.Add(CiScript.LeftPlanVariable(i + 1), $"${{{{ steps.{left[i]}.outputs.{CiOutputs.RollbackPlan} }}}}");
            script = CiScript.RevertFailedPlan(script, left.Count);
        }
        return new YMap
        {
            { "name", $"{step.Target} ({point.AzureKey()})" },
            { "id", step.Id(point) },
            { "if", point == CiHookPoint.OnFailure ? "failure()" : null },
            { "shell", "bash" },
            { "env", env },
            { "run", script },
        };
    }

    private static Y RunStep(Shape shape, CiJobPlan plan, CiContext context, CiPlatform platform)
    {
        var env = StepEnvironment(shape, plan, context);
        if (plan.RollbackSource is { } source) env.Add(CiScript.RollbackPlanVariable, $"${{{{ needs.{source.Job}.outputs.{source.Output} }}}}");
        if (plan.Job.TimeBudget is not null) env.Add(CiScript.ContinueOnlyVariable, ContinueOnly(shape));
        var command = plan.Command(platform);
        var run = plan.IsDeployment
            ? CiScript.Run(command, $"echo \"{CiOutputs.ExitCode}=$code\" >> \"$GITHUB_OUTPUT\"", continued: plan.Job.TimeBudget is not null)
            : command;
        return new YMap
        {
            { "name", plan.Target.Name },
            { "id", plan.IsDeployment ? "run" : null },
            { "shell", "bash" },
            { "env", env.IsEmpty ? null : env },
            { "run", run },
        };
    }

    /// <summary>"true" or "false": the script adds <c>--continue-only</c> when true.</summary>
    private static string ContinueOnly(Shape shape) => shape.Dispatch is null
        ? "${{ github.event_name == 'schedule' }}"
        : "${{ github.event_name == 'schedule' || inputs.continue_only }}";

    /// <summary>
    /// When a job runs:
    ///
    /// | # | job                                     | runs when                                                            |
    /// |---|-----------------------------------------|----------------------------------------------------------------------|
    /// | 1 | rollback after a deployment D           | D failed and D's <c>rollback_plan</c> names a plan (Promote could not roll it back) |
    /// | 2 | rollback after a later job W (smoke)    | W failed, and the deployment D before it completed a plan (<c>plan</c>) |
    /// | 3 | a job whose target needs a budgeted job's work | that job completed (exit 0), not only ended green (3, 4)      |
    /// | 4 | a first job of a per-environment pipeline with a fanned-out schedule | the run was not the schedule's          |
    /// | 5 | a deployment job of a pipeline that also runs on pull requests | the run is not a pull request's (a PR never deploys) |
    /// | 6 | any other job                           | its needs succeeded (the default)                                    |
    /// </summary>
    private static Y? Condition(Shape shape, CiJobPlan plan, IReadOnlyList<CiJobPlan> all)
    {
        if (plan.RollbackSource is { } source)
        {
            var watched = plan.Job.RunsWhenFailed!;
            return source.Job == watched
                ? $"failure() && needs.{watched}.result == 'failure' && needs.{watched}.outputs.{CiOutputs.RollbackPlan} != ''"
                : $"failure() && needs.{watched}.result == 'failure' && needs.{source.Job}.outputs.{CiOutputs.ExitCode} == '0' && needs.{source.Job}.outputs.{CiOutputs.Plan} != ''";
        }
        var checks = plan.NeedsWorkOf.Where(n => all.First(j => j.Id == n).Job.TimeBudget is not null)
            .Select(n => $"needs.{n}.outputs.{CiOutputs.ExitCode} == '0'").ToList();
        if (shape.FansOutSchedule && plan.Needs.Count == 0) checks.Insert(0, "github.event_name != 'schedule'");
        if (shape.PullRequests && plan.IsDeployment) checks.Insert(0, "github.event_name != 'pull_request'");
        return checks.Count == 0 ? null : string.Join(" && ", checks);
    }

    /// <summary>After exit 4 (incomplete) or 3 (busy): dispatch the workflow again for the same environment and commit.
    /// Its own job, so the token that may start workflows meets no secrets and no checked-out code.</summary>
    private static YMap Continuation(Shape shape, CiJobPlan plan)
    {
        var exit = $"needs.{plan.Id}.outputs.{CiOutputs.ExitCode}";
        return new YMap
        {
            { "name", $"Continue {plan.Target.Name}" },
            { "needs", Strings([plan.Id]) },
            { "if", $"{exit} == '4' || {exit} == '3'" },
            { "runs-on", shape.Pipeline.RunsOn },
            { "timeout-minutes", 5 },
            { "permissions", new YMap { { "actions", "write" } } },
            { "steps", new YSequence(new YMap
                {
                    { "name", "Dispatch a follow-up run" },
                    { "shell", "bash" },
                    { "env", new YMap
                        {
                            { "GH_TOKEN", "${{ github.token }}" },
                            { "GH_REPO", "${{ github.repository }}" },
                            { "REF", "${{ github.ref_name }}" },
                            { "SHA", "${{ inputs.sha || github.sha }}" },
                            { "ATTEMPT", "${{ inputs.attempt || 1 }}" },
                            { "EXIT_CODE", $"${{{{ {exit} }}}}" },
                            { "PLAN", $"${{{{ needs.{plan.Id}.outputs.{CiOutputs.Plan} }}}}" },
                            { "PROGRESS", $"${{{{ needs.{plan.Id}.outputs.{CiOutputs.Progress} }}}}" },
                            { "PREVIOUS_PROGRESS", "${{ inputs.progress }}" },
                            { CiScript.EnvironmentVariable, plan.Job.Environment == CiJob.FromDispatch ? $"${{{{ {shape.EnvironmentExpression} }}}}" : plan.Job.Environment },
                            { CiScript.ContinueOnlyVariable, ContinueOnly(shape) },
                        }
                    },
                    { "run", CiScript.NextAttempt(plan.Target.Name, message => $"echo \"::error::{message}\"") + "\n" +
                        $"gh workflow run {shape.Pipeline.Name}.yml --ref \"$REF\" -f env=\"${CiScript.EnvironmentVariable}\" -f sha=\"$SHA\" -f attempt=\"$next\" -f continue_only=\"$continue_only\" -f progress=\"$progress\"\n" +
                        $"echo \"{plan.Target.Name} on $DEPLOY_ENV: exit $EXIT_CODE, follow-up run $next dispatched for $SHA.\" >> \"$GITHUB_STEP_SUMMARY\"" },
                })
            },
        };
    }

    /// <summary>A scheduled run starts nothing: it dispatches one continue-only run per environment.</summary>
    private static YMap ScheduleContinuations(Shape shape, CiContext context) => new()
    {
        { "name", "Continue work in progress in every environment" },
        { "if", "github.event_name == 'schedule'" },
        { "runs-on", shape.Pipeline.RunsOn },
        { "timeout-minutes", 5 },
        { "permissions", new YMap { { "actions", "write" } } },
        { "steps", new YSequence(new YMap
            {
                { "name", "Dispatch continue-only runs" },
                { "shell", "bash" },
                { "env", new YMap { { "GH_TOKEN", "${{ github.token }}" }, { "GH_REPO", "${{ github.repository }}" }, { "REF", "${{ github.ref_name }}" } } },
                { "run", $"for env in {string.Join(" ", context.Environments)}; do\n  gh workflow run {shape.Pipeline.Name}.yml --ref \"$REF\" -f env=\"$env\" -f continue_only=true\ndone" },
            })
        },
    };

    private static string EvidencePath(CiContext context, string evidence) =>
        context.Catalog.Targets.SelectMany(t => t.Produces).First(p => p.Key == evidence).Value is var path && System.IO.Path.GetDirectoryName(path) is { Length: > 0 } dir ? dir : ".";

    /// <summary>The tag each pinned SHA stands for, as a comment after it (the YAML model has no comments).</summary>
    private static string PinComments(string yaml) => yaml
        .Replace(GitHubActionPins.Checkout + "\n", $"{GitHubActionPins.Checkout} # {GitHubActionPins.CheckoutTag}\n")
        .Replace(GitHubActionPins.SetupDotnet + "\n", $"{GitHubActionPins.SetupDotnet} # {GitHubActionPins.SetupDotnetTag}\n")
        .Replace(GitHubActionPins.Cache + "\n", $"{GitHubActionPins.Cache} # {GitHubActionPins.CacheTag}\n")
        .Replace(GitHubActionPins.UploadArtifact + "\n", $"{GitHubActionPins.UploadArtifact} # {GitHubActionPins.UploadArtifactTag}\n")
        .Replace(GitHubActionPins.DownloadArtifact + "\n", $"{GitHubActionPins.DownloadArtifact} # {GitHubActionPins.DownloadArtifactTag}\n");

    private static YSequence Strings(IEnumerable<string> values) => new(values.Select(v => (Y)v).ToList());
}
