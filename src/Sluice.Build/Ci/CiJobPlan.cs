namespace Sluice.Build.Ci;

/// <summary>
/// A job with what the catalog implies resolved: its id, the jobs it needs, the targets it skips because earlier jobs
/// ran them, its timeout, and the evidence it uploads and downloads. Both dialect writers start from this.
/// </summary>
internal sealed record CiJobPlan(
    CiJob Job,
    string Id,
    BuildTarget Target,
    IReadOnlyList<string> Needs,
    IReadOnlyList<string> Skip,
    int? TimeoutMinutes,
    IReadOnlyDictionary<string, string> Uploads,
    IReadOnlyList<(string Evidence, string FromJob)> Downloads)
{
    public bool IsDeployment => Job.Environment is not null;

    /// <summary>The targets the job runs: its own and the dependencies no earlier job ran.</summary>
    public IReadOnlyList<BuildTarget> Runs { get; private init; } = [];

    /// <summary>The needed jobs whose work this job's target depends on: they must have completed (exit 0), not only
    /// succeeded (a time-budgeted job ends green when incomplete).</summary>
    public IReadOnlyList<string> NeedsWorkOf { get; private init; } = [];

    /// <summary>For a rollback job: the job whose output names the one plan to revert, and that output. A rollback
    /// after a deployment job reverts what that job could not roll back itself (<see cref="CiOutputs.RollbackPlan"/>);
    /// a rollback after a later job (a smoke test) reverts the plan the deployment before it applied
    /// (<see cref="CiOutputs.Plan"/>), and only when that deployment completed. Never a bare <c>Rollback</c>.</summary>
    public (string Job, string Output)? RollbackSource { get; private init; }

    /// <summary>The targets the job's lifecycle steps run (<see cref="CiJob.Lifecycle"/>): each step's target and the
    /// dependencies no earlier job ran.</summary>
    public IReadOnlyList<BuildTarget> HookRuns { get; private init; } = [];

    /// <summary>Secret parameters the job's targets read (<see cref="ITargetDefinition.ReadsSecrets"/>), its lifecycle steps' included.</summary>
    public IReadOnlyList<string> SecretsRead => Runs.Concat(HookRuns).SelectMany(t => t.Secrets).Distinct().ToList();

    /// <summary>The secrets the job receives: those it reads, less those a job variable replaces (<see cref="CiJob.Variables"/>).</summary>
    public IReadOnlyList<string> SecretsPassed => SecretsRead.Where(s => !Job.Variables.ContainsKey(ParameterNames.EnvironmentVariable(s))).ToList();

    /// <summary>Resolves every job of a pipeline against the catalog; unknown targets and needs are errors.</summary>
    public static IReadOnlyList<CiJobPlan> Resolve(CiPipeline pipeline, TargetCatalog catalog)
    {
        foreach (var schedule in pipeline.Triggers.OfType<ScheduleTrigger>()) CheckOffTheHour(pipeline, schedule.Cron);
        foreach (var cron in pipeline.Triggers.OfType<ScheduledRunTrigger>()) CheckOffTheHour(pipeline, cron.Cron);
        if (pipeline.Triggers.OfType<ScheduledRunTrigger>().Any() && (pipeline.Triggers.OfType<ScheduleTrigger>().Any() || pipeline.Jobs.Any(j => j.TimeBudget is not null)))
            throw new UsageException(EngineErrorCodes.BadSchedule, $"pipeline {pipeline.Name}: a ScheduledRun trigger runs the jobs as they are, but the pipeline also continues work (a Schedule trigger or a time-budgeted job)",
                "put the scheduled jobs in a pipeline of their own, or use Schedule to only continue work in progress");
        var ids = new Dictionary<CiJob, string>();
        foreach (var job in pipeline.Jobs)
        {
            var target = catalog.Find(job.Target) ?? throw new UsageException(EngineErrorCodes.BadPipeline, $"pipeline {pipeline.Name}: job target '{job.Target}' does not exist", "name a target of the build");
            var id = job.Id ?? ParameterNames.Kebab(target.Name) + (job.Environment is { } env && env != CiJob.FromDispatch ? "-" + env : "");
            if (ids.ContainsValue(id)) throw new UsageException(EngineErrorCodes.BadPipeline, $"pipeline {pipeline.Name}: two jobs have the id '{id}'", "give one of them an Id");
            ids[job] = id;
        }
        CiJobServicesCheck.Check(pipeline, ids);
        CiJobShapeCheck.Check(pipeline, ids, catalog);

        var plans = new List<CiJobPlan>();
        foreach (var job in pipeline.Jobs)
        {
            var target = catalog.Find(job.Target)!;
            var closure = Dependencies(catalog, target);
            var needs = new List<string>();
            var skip = new List<string>();
            foreach (var other in pipeline.Jobs.Where(o => o != job && o.RunsWhenFailed is null))
            {
                if (!closure.Contains(other.Target)) continue;
                if (job.Environment is { } mine && other.Environment is { } theirs && mine != theirs) continue; // per-environment chains stay apart
                needs.Add(ids[other]);
                if (!skip.Contains(other.Target)) skip.Add(other.Target);
            }
            // The job runs its target and the dependencies no earlier job ran; their evidence travels with it.
            var runs = closure.Where(d => !skip.Contains(d)).Select(d => catalog.Find(d)!).Append(target).ToList();
            var produces = runs.SelectMany(t => t.Produces).GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.First().Value);
            var downloads = new List<(string, string)>();
            foreach (var evidence in runs.SelectMany(t => t.Consumes).Distinct().Where(e => !produces.ContainsKey(e)))
            {
                var producer = pipeline.Jobs.FirstOrDefault(o => o != job && o.RunsWhenFailed is null && MayRun(catalog, o).Any(t => t.Produces.ContainsKey(evidence)))
                    ?? throw new UsageException(EngineErrorCodes.BadPipeline, $"pipeline {pipeline.Name}: job {ids[job]} consumes '{evidence}', which no job produces", "add the producing target as a job");
                downloads.Add((evidence, ids[producer]));
                if (!needs.Contains(ids[producer])) needs.Add(ids[producer]);
            }
            var workOf = needs.ToList(); // explicit needs below only order jobs
            foreach (var need in job.Needs)
            {
                if (!ids.ContainsValue(need)) throw new UsageException(EngineErrorCodes.BadPipeline, $"pipeline {pipeline.Name}: job {ids[job]} needs '{need}', which is not a job", $"jobs: {string.Join(", ", ids.Values)}");
                if (!needs.Contains(need)) needs.Add(need);
            }
            (string, string)? rollbackSource = null;
            if (job.RunsWhenFailed is { } failed)
            {
                if (!ids.ContainsValue(failed)) throw new UsageException(EngineErrorCodes.BadPipeline, $"pipeline {pipeline.Name}: rollback job {ids[job]} watches '{failed}', which is not a job", $"jobs: {string.Join(", ", ids.Values)}");
                if (!needs.Contains(failed)) needs.Add(failed);
                rollbackSource = RollbackSourceOf(pipeline, ids, job, failed);
                if (!needs.Contains(rollbackSource.Value.Item1)) needs.Add(rollbackSource.Value.Item1);
            }

            var hookRuns = (job.Lifecycle?.Hooks ?? []).SelectMany(h => h.Steps).Select(s => catalog.Find(s.Target)!)
                .SelectMany(t => Dependencies(catalog, t).Where(d => !skip.Contains(d)).Select(d => catalog.Find(d)!).Append(t)).Distinct().ToList();
            plans.Add(new CiJobPlan(job, ids[job], target, needs, skip, target.Timeout is { } t ? (int)Math.Ceiling(t.TotalMinutes) : null, produces, downloads)
            {
                Runs = runs,
                HookRuns = hookRuns,
                NeedsWorkOf = workOf,
                RollbackSource = rollbackSource,
            });
        }
        return plans;
    }

    private static (string, string) RollbackSourceOf(CiPipeline pipeline, Dictionary<CiJob, string> ids, CiJob rollback, string watched)
    {
        var byId = ids.ToDictionary(p => p.Value, p => p.Key);
        if (byId[watched].Environment is not null) return (watched, CiOutputs.RollbackPlan);
        // The deployment the watched job follows (through its needs) applied the plan a failed smoke test condemns.
        var queue = new Queue<string>(byId[watched].Needs);
        while (queue.TryDequeue(out var id))
        {
            if (!byId.TryGetValue(id, out var other)) continue;
            if (other.Environment is not null && other.Environment == rollback.Environment && other.RunsWhenFailed is null) return (id, CiOutputs.Plan);
            foreach (var next in other.Needs) queue.Enqueue(next);
        }
        throw new UsageException(EngineErrorCodes.RollbackJobWithoutDeployment, $"pipeline {pipeline.Name}: rollback job {ids[rollback]} watches '{watched}', which acts on no environment and follows no deployment of '{rollback.Environment}'",
            "watch the deployment job, or make the watched job need it: a rollback must be told which plan the failed run applied");
    }

    /// <summary>Every pipeline scheduled at :00 starts at once and waits in the same queue; a schedule must name minutes
    /// away from the top of the hour (<c>17,47 * * * *</c>, not <c>*/30</c> or <c>0</c>).</summary>
    private static void CheckOffTheHour(CiPipeline pipeline, string cron)
    {
        var minutes = cron.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "";
        var hitsTheHour = minutes == "*" || minutes.StartsWith("*/", StringComparison.Ordinal)
            || minutes.Split(',').Any(m => m.Split('-')[0] is "0" or "00");
        if (hitsTheHour)
            throw new UsageException(EngineErrorCodes.ScheduleOnTheHour, $"pipeline {pipeline.Name}: the schedule '{cron}' runs at the top of the hour, when every scheduled pipeline starts",
                "name minutes away from :00, for example \"17,47 * * * *\"");
    }

    /// <summary>What a job may run: its target and all its dependencies (an upper bound; skips only shrink it).</summary>
    private static IEnumerable<BuildTarget> MayRun(TargetCatalog catalog, CiJob job)
    {
        var target = catalog.Find(job.Target)!;
        return Dependencies(catalog, target).Select(d => catalog.Find(d)!).Append(target);
    }

    private static HashSet<string> Dependencies(TargetCatalog catalog, BuildTarget target)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<string>(target.DependsOn);
        while (stack.TryPop(out var name))
        {
            if (!seen.Add(name)) continue;
            foreach (var next in catalog.Find(name)!.DependsOn) stack.Push(next);
        }
        return seen;
    }

    /// <summary>The command the job runs. Values known only at run time come from the step's environment
    /// (<see cref="CiScript"/>), never spliced into the script.</summary>
    public string Command(CiPlatform platform)
    {
        var parts = Start(Target.Name);
        if (platform.Budget(Job) is { } budget) parts.AddRange(["--time-budget", $"{(int)Math.Floor(budget.TotalMinutes)}m"]);
        if (RollbackSource is not null) parts.AddRange(["--migration", $"\"${CiScript.RollbackPlanVariable}\""]);
        if (Job.TimeBudget is not null) parts.Add("$continue_only");
        parts.AddRange(Job.Arguments);
        return string.Join(" ", parts);
    }

    /// <summary>The command of one lifecycle step: its target on the job's environment, with the job's skips; a step
    /// reverting the failed plan names it (<c>--migration "$ROLLBACK_PLAN"</c>, see <see cref="CiScript.RevertFailedPlan"/>).</summary>
    public string HookCommand(CiHookStep step)
    {
        var parts = Start(step.Target);
        if (step.RevertsFailedPlan) parts.AddRange(["--migration", $"\"${CiScript.RollbackPlanVariable}\""]);
        parts.AddRange(step.Arguments);
        return string.Join(" ", parts);
    }

    private List<string> Start(string target)
    {
        var parts = new List<string> { "./build.sh", target };
        if (IsDeployment) parts.AddRange(["--env", $"\"${CiScript.EnvironmentVariable}\""]);
        if (Skip.Count > 0) parts.AddRange(["--skip", .. Skip]);
        return parts;
    }

    /// <summary>The lifecycle steps of the hooks <paramref name="which"/> picks, in the order they run; the job's own
    /// target (step <c>run</c>) sits between <c>PreDeploy</c> and <c>RouteTraffic</c>.</summary>
    public IReadOnlyList<(CiHookPoint Point, CiHookStep Step)> HookSteps(Func<CiHookPoint, bool> which) =>
        (Job.Lifecycle?.Hooks ?? []).Where(h => which(h.Point)).SelectMany(h => h.Steps.Select(s => (h.Point, s))).ToList();

    /// <summary>The ids of the steps whose outputs may name a plan left to revert: the job's own and every hook step
    /// but <c>OnFailure</c>'s, in the order they run.</summary>
    public IReadOnlyList<string> StepsThatMayLeaveAPlan =>
        [.. HookSteps(p => p == CiHookPoint.PreDeploy).Select(h => h.Step.Id(h.Point)), "run",
         .. HookSteps(p => p is CiHookPoint.RouteTraffic or CiHookPoint.PostRouteTraffic or CiHookPoint.OnSuccess).Select(h => h.Step.Id(h.Point))];
}
