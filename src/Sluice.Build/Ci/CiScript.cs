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
    public const string NuGetPackagesVariable = "NUGET_PACKAGES";
    public const string ServiceVariable = "SLUICE_SERVICE";
    /// <summary>The job's GitHub token, for a job with <see cref="CiJob.TokenPermissions"/>.</summary>
    public const string GitHubTokenVariable = "GITHUB_TOKEN";

    /// <summary>The run step's variables the writers set themselves; a job may not declare them (<see cref="CiJob.Variables"/>).</summary>
    public static readonly IReadOnlyList<string> WriterVariables = [EnvironmentVariable, RollbackPlanVariable, ContinueOnlyVariable, NuGetPackagesVariable, ServiceVariable, GitHubTokenVariable];

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

    /// <summary>
    /// The checks of a continuation before it queues the next run; <paramref name="error"/> turns a message into the
    /// dialect's error line. It reads <c>ATTEMPT</c>, <c>EXIT_CODE</c>, <c>PLAN</c>, <c>PROGRESS</c> (this run's
    /// figure) and <c>PREVIOUS_PROGRESS</c> (the figure the previous run passed on), and sets <c>next</c>,
    /// <c>continue_only</c> and <c>progress</c> (the figure to pass on):
    ///
    /// | # | this run                                                        | the continuation                             |
    /// |---|-----------------------------------------------------------------|----------------------------------------------|
    /// | 1 | was the <see cref="MaxAttempts"/>th                             | fails, queues nothing                        |
    /// | 2 | exit 4 with the same progress as the previous run (SLU141)      | fails naming the plan, queues nothing        |
    /// | 3 | exit 4 with more progress, or the first run                     | continues (<c>--continue-only</c>), passes this run's figure |
    /// | 4 | exit 3 (busy: it never started)                                 | repeats the run as it was, passes the previous figure on |
    /// </summary>
    public static string NextAttempt(string target, Func<string, string> error) =>
        $"next=$((ATTEMPT + 1))\nif [ \"$next\" -gt {MaxAttempts} ]; then {error($"{target} took {MaxAttempts} runs without finishing; look at ./build.sh Status before running it again")}; exit 1; fi\n" +
        $"if [ \"$EXIT_CODE\" = 4 ] && [ -n \"$PREVIOUS_PROGRESS\" ] && [ \"$PROGRESS\" = \"$PREVIOUS_PROGRESS\" ]; then " +
        $"{error($"{EngineErrorCodes.ContinuationMadeNoProgress}: {target} made no progress on plan $PLAN in run $ATTEMPT (progress $PROGRESS, the same as after the run before); look at ./build.sh Status --env ${EnvironmentVariable} before running it again")}; exit 1; fi\n" +
        "if [ \"$EXIT_CODE\" = 4 ]; then progress=\"$PROGRESS\"; else progress=\"$PREVIOUS_PROGRESS\"; fi\n" +
        // Exit 4 leaves a plan in progress to continue; after exit 3 (busy) the run never started, so it is repeated as it was.
        $"if [ \"$EXIT_CODE\" = 4 ] || [ \"${ContinueOnlyVariable}\" = true ] || [ \"${ContinueOnlyVariable}\" = True ]; then continue_only=true; else continue_only=false; fi";

    /// <summary>
    /// A failure step that reverts the plan a failed step left (<see cref="CiHookStep.RevertsFailedPlan"/>): the steps'
    /// <c>rollback_plan</c> outputs arrive as <c>LEFT_PLAN_1</c>... (<paramref name="candidates"/> of them, in the order
    /// the steps ran); the first one set is reverted. None set (the failed step rolled back itself, or failed before
    /// touching a plan) reverts nothing. A value still reading <c>$(</c> is an Azure macro no step defined: unset.
    /// </summary>
    public static string RevertFailedPlan(string command, int candidates) =>
        $"{RollbackPlanVariable}=\n" +
        $"for left in {string.Join(" ", Enumerable.Range(1, candidates).Select(i => $"\"${LeftPlanVariable(i)}\""))}; do\n" +
        $"  case \"$left\" in ''|'$('*) ;; *) {RollbackPlanVariable}=\"$left\"; break ;; esac\n" +
        "done\n" +
        $"if [ -z \"${RollbackPlanVariable}\" ]; then echo \"nothing to revert: no failed step left a plan (a step that failed rolled back what it did)\"; exit 0; fi\n" +
        command;

    /// <summary>The variable carrying the <paramref name="index"/>th step's <c>rollback_plan</c> output (1-based).</summary>
    public static string LeftPlanVariable(int index) => $"LEFT_PLAN_{index}";
}
