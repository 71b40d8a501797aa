namespace Sluice.Build.Ci;

/// <summary>
/// What a CI platform allows one job: its hard time limit. A time budget is cut to fit under it with a margin for
/// checkout, restore and the checkpoint, so the job stops itself before the platform kills it:
///
/// | # | dialect and pool                                   | job limit (default)                  |
/// |---|----------------------------------------------------|--------------------------------------|
/// | 1 | GitHub-hosted runner                               | 360 min                              |
/// | 2 | Azure Microsoft-hosted, free tier (private project) | 60 min                               |
/// | 3 | either, overridden by the pipeline                 | <see cref="CiPipeline.GitHubJobLimit"/>, <see cref="CiPipeline.AzureJobLimit"/> |
/// </summary>
public sealed record CiPlatform(TimeSpan JobLimit)
{
    /// <summary>Checkout, SDK, restore and the final checkpoint, after the budget ran out.</summary>
    public static readonly TimeSpan Margin = TimeSpan.FromMinutes(15);

    /// <summary>A job whose target declares no timeout gets this (capped by the limit).</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(60);

    public static CiPlatform GitHub(CiPipeline pipeline) => new(pipeline.GitHubJobLimit ?? TimeSpan.FromMinutes(360));

    public static CiPlatform Azure(CiPipeline pipeline) => new(pipeline.AzureJobLimit ?? TimeSpan.FromMinutes(60));

    /// <summary>The job's time budget, cut to fit the platform; null for a job without one.</summary>
    public TimeSpan? Budget(CiJob job)
    {
        if (job.TimeBudget is not { } budget) return null;
        var fits = JobLimit - Margin;
        if (fits <= TimeSpan.Zero)
            throw new UsageException(EngineErrorCodes.NoTimeBudget, $"a job limit of {JobLimit.TotalMinutes} min leaves no time budget after the {Margin.TotalMinutes}-minute margin", "raise the pipeline's job limit");
        return budget < fits ? budget : fits;
    }

    /// <summary>The job's timeout in minutes: budget plus margin, else the target's timeout, else the default; never above the limit.</summary>
    internal int TimeoutMinutes(CiJobPlan plan)
    {
        var timeout = Budget(plan.Job) is { } budget ? budget + Margin : plan.TimeoutMinutes is { } minutes ? TimeSpan.FromMinutes(minutes) : DefaultTimeout;
        return (int)Math.Ceiling((timeout < JobLimit ? timeout : JobLimit).TotalMinutes);
    }
}
