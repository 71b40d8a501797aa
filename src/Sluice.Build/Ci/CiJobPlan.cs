namespace Sluice.Build.Ci;

/// <summary>
/// A job with what the catalog implies resolved: its id, the jobs it needs, the targets it skips because earlier jobs
/// ran them, its timeout, and the evidence it uploads and downloads. Both dialect writers start from this.
/// </summary>
public sealed record CiJobPlan(
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

    /// <summary>Resolves every job of a pipeline against the catalog; unknown targets and needs are errors.</summary>
    public static IReadOnlyList<CiJobPlan> Resolve(CiPipeline pipeline, TargetCatalog catalog)
    {
        var ids = new Dictionary<CiJob, string>();
        foreach (var job in pipeline.Jobs)
        {
            var target = catalog.Find(job.Target) ?? throw new UsageException("SLU080", $"pipeline {pipeline.Name}: job target '{job.Target}' does not exist", "name a target of the build");
            var id = job.Id ?? ParameterNames.Kebab(target.Name) + (job.Environment is { } env && env != CiJob.FromDispatch ? "-" + env : "");
            if (ids.ContainsValue(id)) throw new UsageException("SLU080", $"pipeline {pipeline.Name}: two jobs have the id '{id}'", "give one of them an Id");
            ids[job] = id;
        }

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
                var producer = pipeline.Jobs.FirstOrDefault(o => o != job && o.RunsWhenFailed is null && Runs(catalog, o).Any(t => t.Produces.ContainsKey(evidence)))
                    ?? throw new UsageException("SLU080", $"pipeline {pipeline.Name}: job {ids[job]} consumes '{evidence}', which no job produces", "add the producing target as a job");
                downloads.Add((evidence, ids[producer]));
                if (!needs.Contains(ids[producer])) needs.Add(ids[producer]);
            }
            foreach (var need in job.Needs)
            {
                if (!ids.ContainsValue(need)) throw new UsageException("SLU080", $"pipeline {pipeline.Name}: job {ids[job]} needs '{need}', which is not a job", $"jobs: {string.Join(", ", ids.Values)}");
                if (!needs.Contains(need)) needs.Add(need);
            }
            if (job.RunsWhenFailed is { } failed)
            {
                if (!ids.ContainsValue(failed)) throw new UsageException("SLU080", $"pipeline {pipeline.Name}: rollback job {ids[job]} watches '{failed}', which is not a job", $"jobs: {string.Join(", ", ids.Values)}");
                if (!needs.Contains(failed)) needs.Add(failed);
            }

            var timeout = job.TimeBudget is { } budget ? budget + TimeSpan.FromMinutes(15) : target.Timeout;
            plans.Add(new CiJobPlan(job, ids[job], target, needs, skip,
                timeout is { } t ? (int)Math.Ceiling(t.TotalMinutes) : null,
                produces, downloads));
        }
        return plans;
    }

    /// <summary>What a job may run: its target and all its dependencies (an upper bound; skips only shrink it).</summary>
    private static IEnumerable<BuildTarget> Runs(TargetCatalog catalog, CiJob job)
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

    /// <summary>The command the job runs.</summary>
    public string Command(string? environment)
    {
        var parts = new List<string> { "./build.sh", Target.Name };
        if (environment is not null) parts.AddRange(["--env", environment]);
        if (Skip.Count > 0) parts.AddRange(["--skip", .. Skip]);
        if (Job.TimeBudget is { } budget) parts.AddRange(["--time-budget", $"{(int)Math.Ceiling(budget.TotalMinutes)}m"]);
        parts.AddRange(Job.Arguments);
        return string.Join(" ", parts);
    }
}
