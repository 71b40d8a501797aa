namespace Sluice.Build;

/// <summary>
/// Every error code the engine raises, one constant each; <c>src/Sluice/Errors/ErrorCodes.md</c> describes them with
/// the domain's (<c>Sluice.Errors.ErrorCodes</c>). A code belongs to one layer only, and no other file spells one.
/// </summary>
public static class EngineErrorCodes
{
    /// <summary>SLU001: unknown target, or no target given and no default.</summary>
    public const string UnknownTarget = "SLU001";
    /// <summary>SLU002: a bad parameter value or an unknown parameter.</summary>
    public const string BadParameter = "SLU002";
    /// <summary>SLU003: the targets' dependencies form a cycle.</summary>
    public const string TargetCycle = "SLU003";
    /// <summary>SLU004: --env names an environment with no parameters file.</summary>
    public const string UnknownEnvironment = "SLU004";
    /// <summary>SLU005: a required parameter is missing (or another requirement of a target does not hold).</summary>
    public const string MissingParameter = "SLU005";
    /// <summary>SLU006: a parameters file (.nuke/parameters*.json) cannot be read.</summary>
    public const string BadParametersFile = "SLU006";
    /// <summary>SLU007: a target's preflight check failed before anything ran and raised no code of its own.</summary>
    public const string PreflightFailed = "SLU007";
    /// <summary>SLU080: a CI pipeline definition does not hold together (a job, a need or a trigger is missing).</summary>
    public const string BadPipeline = "SLU080";
    /// <summary>SLU090: a target stopped early after a checkpoint and raised no code of its own (exit 4).</summary>
    public const string Incomplete = "SLU090";
    /// <summary>SLU135 (a warning): an environment variable holds an unexpanded Azure Pipelines macro.</summary>
    public const string UnexpandedMacro = "SLU135";
    /// <summary>SLU136: a CI rollback job watches a job that says nothing about which plan to roll back.</summary>
    public const string RollbackJobWithoutDeployment = "SLU136";
    /// <summary>SLU137: a CI pipeline's job limit leaves no time budget after the margin.</summary>
    public const string NoTimeBudget = "SLU137";
    /// <summary>SLU138: a CI schedule runs at the top of the hour.</summary>
    public const string ScheduleOnTheHour = "SLU138";

    /// <summary>SLU141: a CI continuation stopped because the run it follows made no progress since the run before.</summary>
    public const string ContinuationMadeNoProgress = "SLU141";
    /// <summary>SLU151: a CI job's matrix cannot be written as declared.</summary>
    public const string BadJobMatrix = "SLU151";
    /// <summary>SLU152: a CI job's lifecycle hooks cannot be written as declared.</summary>
    public const string BadJobLifecycle = "SLU152";
    /// <summary>SLU154: a CI pipeline mixes a ScheduledRun trigger with work that a scheduled run only continues.</summary>
    public const string BadSchedule = "SLU154";
    /// <summary>SLU155: a CI job's service container or variable cannot be written as declared.</summary>
    public const string BadJobServiceOrVariable = "SLU155";
}
