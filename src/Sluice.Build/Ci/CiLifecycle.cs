namespace Sluice.Build.Ci;

/// <summary>
/// A deployment job whose work runs in stages around its target, as Azure's <c>runOnce</c> lifecycle hooks name them:
/// <see cref="PreDeploy"/> before it, the job's own target in <c>deploy</c>, then <see cref="RouteTraffic"/> and
/// <see cref="PostRouteTraffic"/>; then <see cref="OnSuccess"/> when all of them succeeded, or <see cref="OnFailure"/>
/// when any failed. Azure writes the hooks;
/// GitHub runs the same steps in order in the environment's job, the failure steps under <c>if: failure()</c>.
/// Each step is one <c>./build.sh TARGET --env ENV</c> with the job's skips; the steps of one job share its
/// environment, approval and secrets (those every step's targets read).
/// </summary>
public sealed record CiLifecycle
{
    public IReadOnlyList<CiHookStep> PreDeploy { get; init; } = [];
    public IReadOnlyList<CiHookStep> RouteTraffic { get; init; } = [];
    public IReadOnlyList<CiHookStep> PostRouteTraffic { get; init; } = [];

    /// <summary>Steps after every step before succeeded (the rest of a release after its canary, a status).</summary>
    public IReadOnlyList<CiHookStep> OnSuccess { get; init; } = [];

    /// <summary>Steps after a failure of any step before. A rollback among them acts only on what the failed steps'
    /// outputs name (<see cref="CiOutputs.RollbackPlan"/>), never as a bare <c>Rollback</c>: see <see cref="CiHookStep.RevertsFailedPlan"/>.</summary>
    public IReadOnlyList<CiHookStep> OnFailure { get; init; } = [];

    /// <summary>The hooks in the order they run, with the names both dialects give them.</summary>
    internal IEnumerable<(CiHookPoint Point, IReadOnlyList<CiHookStep> Steps)> Hooks =>
    [
        (CiHookPoint.PreDeploy, PreDeploy),
        (CiHookPoint.RouteTraffic, RouteTraffic),
        (CiHookPoint.PostRouteTraffic, PostRouteTraffic),
        (CiHookPoint.OnSuccess, OnSuccess),
        (CiHookPoint.OnFailure, OnFailure),
    ];
}

/// <summary>One step of a lifecycle hook: a target of the build and its extra arguments.</summary>
public sealed record CiHookStep(string Target)
{
    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary>The step reverts the plan a failed step before it could not roll back itself (its
    /// <see cref="CiOutputs.RollbackPlan"/>) with <c>--migration</c>, and does nothing when no step left one.
    /// Only allowed in <see cref="CiLifecycle.OnFailure"/>.</summary>
    public bool RevertsFailedPlan { get; init; }

    /// <summary>Tells two steps of one target in one hook apart (<c>finish</c>: <c>canary_finish_post_route_traffic</c>);
    /// letters, digits and underscores.</summary>
    public string? Label { get; init; }

    /// <summary>A step id both dialects accept: the target in snake case, its label, then the hook (<c>canary_route_traffic</c>).</summary>
    internal string Id(CiHookPoint point) => $"{ParameterNames.Kebab(Target).Replace('-', '_')}{(Label is { } label ? "_" + label : "")}_{point.Name()}";
}

/// <summary>Where a lifecycle step runs; <c>deploy</c> is the job's own target.</summary>
public enum CiHookPoint { PreDeploy, RouteTraffic, PostRouteTraffic, OnSuccess, OnFailure }

internal static class CiHookPoints
{
    /// <summary>Azure's key for the hook (<c>preDeploy</c>); <c>success</c> and <c>failure</c> are written under <c>on:</c>.</summary>
    public static string AzureKey(this CiHookPoint point) => point switch
    {
        CiHookPoint.PreDeploy => "preDeploy",
        CiHookPoint.RouteTraffic => "routeTraffic",
        CiHookPoint.PostRouteTraffic => "postRouteTraffic",
        CiHookPoint.OnSuccess => "success",
        _ => "failure",
    };

    /// <summary>The hook in snake case, for step ids (<c>pre_deploy</c>).</summary>
    public static string Name(this CiHookPoint point) => point switch
    {
        CiHookPoint.PreDeploy => "pre_deploy",
        CiHookPoint.RouteTraffic => "route_traffic",
        CiHookPoint.PostRouteTraffic => "post_route_traffic",
        CiHookPoint.OnSuccess => "on_success",
        _ => "on_failure",
    };
}
