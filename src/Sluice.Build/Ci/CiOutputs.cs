namespace Sluice.Build.Ci;

/// <summary>
/// Step outputs a deployment job publishes (GitHub: <c>$GITHUB_OUTPUT</c> of step <c>run</c>; Azure: output variables
/// of step <c>run</c>) and the jobs after it read. Names use letters and underscores only, valid in both dialects.
/// </summary>
public static class CiOutputs
{
    /// <summary>The exit code of <c>./build.sh</c> (written by the job's script).</summary>
    public const string ExitCode = "exit_code";
    /// <summary>The SLU code of the failure, empty on success.</summary>
    public const string SluCode = "slu_code";
    /// <summary>The last plan the run touched.</summary>
    public const string Plan = "plan";
    /// <summary><c>true</c> when the target rolled back what it touched itself.</summary>
    public const string RolledBack = "rolled_back";
    /// <summary>The plan a CI rollback job must revert; empty when there is nothing to revert.</summary>
    public const string RollbackPlan = "rollback_plan";
    /// <summary>How far the work has come (phases done plus backfill rows done, from the journal), written when a run
    /// stops incomplete; a continuation compares it with the previous run's to stop one that makes no progress.</summary>
    public const string Progress = "progress";

    public static IReadOnlyList<string> All { get; } = [ExitCode, SluCode, Plan, RolledBack, RollbackPlan, Progress];
}
