using Sluice.Errors;
using Sluice.Migrations.Journal;

namespace Sluice.Canary.Running;

/// <summary>What Promote does when it reaches its plan's canary.</summary>
public enum CanaryResumptionAction
{
    /// <summary>Runs the canary in this process, as one step of the release.</summary>
    Run,

    /// <summary>Stops the release before the canary (journaled, exit 0): CI runs the canary in stages, then Promote again.</summary>
    Stop,

    /// <summary>The canary run in stages after the pause promoted: goes on to the contract without running it again.</summary>
    Skip,

    /// <summary>Refuses before anything moves (exit 2), naming the canary and the command to run.</summary>
    Refuse,
}

/// <summary>
/// How Promote meets its plan's canary when CI splits a release over several processes (<c>Promote --until-canary</c>,
/// then <c>Canary --canary-stage prepare|route|analyse|finish</c>, then a plain <c>Promote</c>). The lease is free
/// between them, so everything is read from the journal: the plan's pause (<see cref="PlanPause"/>), the environment's
/// canary under way, and the plan's latest canary. Decided before the release touches anything; the first row that
/// matches wins:
/// <list type="number">
/// <item><c>--until-canary</c>: <b>stop</b> before the canary, the phases before it done, the pause journaled;</item>
/// <item>a canary under way on the environment: <b>refuse</b> (SLU192), decide and finish it first;</item>
/// <item>the plan paused, its latest canary started after the pause and promoted: <b>skip</b> the canary, on to the contract;</item>
/// <item>the plan paused, its latest canary since the pause rolled back (or its rollback failed): <b>refuse</b> (SLU193), roll the plan back first;</item>
/// <item>otherwise (not paused, or paused and no canary since): <b>run</b> the canary in this process.</item>
/// </list>
/// </summary>
public sealed record CanaryResumption(CanaryResumptionAction Action, int Rule, string Reason, SluiceException? Refusal = null, long? CanaryId = null)
{
    public static CanaryResumption Decide(string environment, string planId, bool untilCanary, PlanPause? pause, CanaryRecord? underWay,
        CanaryRecord? latestOfPlan)
    {
        if (untilCanary)                                                                                                    // 1
            return new(CanaryResumptionAction.Stop, 1, $"--until-canary: plan {planId} stops before its canary");
        if (underWay is not null)                                                                                           // 2
            return new(CanaryResumptionAction.Refuse, 2, $"canary {underWay.Id} is under way on '{environment}'", SluiceException.Usage(ErrorCodes.CanaryUnderWay,
                $"canary {underWay.Id} is under way on '{environment}' ({underWay.Measurements.Count} measurement(s)): Promote does not continue while it runs; nothing moved",
                $"decide it with ./build.sh Canary --env {environment} --canary-stage analyse, end it with --canary-stage finish, then run ./build.sh Promote --env {environment} again"),
                underWay.Id);
        var since = pause is not null && latestOfPlan is not null && latestOfPlan.StartedAt >= pause.At ? latestOfPlan : null;
        return since?.Outcome switch
        {
            CanaryOutcome.Promoted =>                                                                                       // 3
                new(CanaryResumptionAction.Skip, 3, $"canary {since.Id} promoted after plan {planId} paused: not run again", CanaryId: since.Id),
            CanaryOutcome.RolledBack or CanaryOutcome.RollbackFailed =>                                                     // 4
                new(CanaryResumptionAction.Refuse, 4, $"canary {since.Id} failed after plan {planId} paused", SluiceException.Usage(ErrorCodes.PausedCanaryFailed,
                    $"canary {since.Id} on '{environment}' failed after plan {planId} paused before it ({since.Reason}): Promote does not continue past a failed canary; nothing moved",
                    $"roll the plan back with ./build.sh Rollback --env {environment} --migration {planId} (it reverts the phases the new version needed), fix the new version, then promote again"),
                    since.Id),
            _ => new(CanaryResumptionAction.Run, 5, pause is null ? "the canary runs in this process" : $"no canary ran since plan {planId} paused: it runs in this process"), // 5
        };
    }

    /// <summary>Throws the refusal of rows 2 and 4.</summary>
    public CanaryResumption ThrowIfRefused() => Refusal is { } refusal ? throw refusal : this;
}
