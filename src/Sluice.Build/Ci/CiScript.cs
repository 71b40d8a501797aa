namespace Sluice.Build.Ci;

/// <summary>
/// The shell both dialects run. Values known only at run time (the dispatched environment, the plan to roll back,
/// whether to only continue) reach the script as environment variables set by the step's <c>env:</c>, never spliced
/// into the script text, so no input can inject a command.
/// </summary>
internal static class CiScript
{
    public const string EnvironmentVariable = "DEPLOY_ENV";
    public const string RollbackPlanVariable = "ROLLBACK_PLAN";
    public const string ContinueOnlyVariable = "CONTINUE_ONLY";

    /// <summary>How many follow-up runs one release may take before a person must look (each is one job's budget).</summary>
    public const int MaxAttempts = 48;

    /// <summary>
    /// A deployment job's script: the exit code is recorded with <paramref name="record"/> (a dialect's output
    /// command using <c>$code</c>); for a continued job 3 (busy) and 4 (incomplete) end green, as "run again later",
    /// and the continuation job takes over.
    /// </summary>
    public static string Run(string command, string record, bool continued) =>
        (continued ? $"case \"${ContinueOnlyVariable}\" in true|True) continue_only=--continue-only ;; *) continue_only= ;; esac\n" : "") +
        $"set +e\n{command}\ncode=$?\n{record}\n" + (continued ? "if [ \"$code\" -eq 3 ] || [ \"$code\" -eq 4 ]; then exit 0; fi\n" : "") + "exit $code";

    /// <summary>The attempt check of a continuation: stops with an error after <see cref="MaxAttempts"/> runs.</summary>
    public static string NextAttempt(string error) =>
        $"next=$((ATTEMPT + 1))\nif [ \"$next\" -gt {MaxAttempts} ]; then {error}; exit 1; fi\n" +
        // Exit 4 leaves a plan in progress to continue; after exit 3 (busy) the run never started, so it is repeated as it was.
        $"if [ \"$EXIT_CODE\" = 4 ] || [ \"${ContinueOnlyVariable}\" = true ] || [ \"${ContinueOnlyVariable}\" = True ]; then continue_only=true; else continue_only=false; fi";
}
