namespace Sluice.Build;

/// <summary>The exit codes of the command-line contract (DESIGN §1). Users script against these.</summary>
public enum ExitCode
{
    /// <summary>Every invoked target succeeded or was skipped on purpose.</summary>
    Success = 0,
    /// <summary>A target failed (or the run was cancelled); a rollback, if any, is reported.</summary>
    TargetFailed = 1,
    /// <summary>Usage or input error; nothing was touched.</summary>
    UsageError = 2,
    /// <summary>The environment is busy: another runner holds its lease.</summary>
    EnvironmentBusy = 3,
    /// <summary>A time budget ran out after a checkpoint; run again to continue.</summary>
    Incomplete = 4,
}
