namespace Sluice.Canary.Running;

/// <summary>
/// One part of a canary run on its own (<c>Canary --canary-stage S</c>), so CI can map a canary onto a deployment
/// job's hooks (Azure's <c>runOnce</c> <c>deploy</c>, <c>routeTraffic</c>, <c>postRouteTraffic</c>, <c>on: failure</c>;
/// steps of a GitHub job). Each stage is a separate process: everything it continues from is in the journal (the
/// canary under way, its measurements and decisions) and in the router (the weights). See <see cref="CanaryRunner"/>
/// for what each stage does.
/// </summary>
public enum CanaryStage
{
    /// <summary>Journals a canary under way, traffic on the baseline.</summary>
    Prepare,

    /// <summary>Measures every step before the last.</summary>
    Route,

    /// <summary>Measures the last step until the canary decides (promote or fail).</summary>
    Analyse,

    /// <summary>Ends the canary under way: all traffic to the new version when it was decided promoted, else back to the baseline.</summary>
    Finish,
}
