namespace Sluice.Build;

public enum TargetStatus
{
    Succeeded,
    Failed,
    /// <summary>Skipped on purpose: <c>--skip</c>, a false condition, not triggered. Counts as success.</summary>
    Skipped,
    /// <summary>Not run because a dependency or an earlier target failed, or the run was cancelled.</summary>
    NotRun,
    Cancelled,
    TimedOut,
    /// <summary>Stopped after a checkpoint (time budget); run again to continue.</summary>
    Incomplete,
}

public sealed record TargetResult(string Target, TargetStatus Status, TimeSpan Duration, string? Note = null, Exception? Error = null, int Attempts = 0)
{
    public bool IsFailure => Status is TargetStatus.Failed or TargetStatus.Cancelled or TargetStatus.TimedOut;

    /// <summary>True when dependents may run: the target succeeded or was skipped on purpose.</summary>
    public bool AllowsDependents => Status is TargetStatus.Succeeded or TargetStatus.Skipped;
}

public sealed record BuildOutcome(IReadOnlyList<TargetResult> Results, ExitCode ExitCode, TimeSpan Duration);
