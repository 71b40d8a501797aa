namespace Sluice.Build;

/// <summary>Why a target is in the plan.</summary>
internal enum PlanReason
{
    Invoked,
    Dependency,
    Triggered,
}

/// <param name="Target">The target.</param>
/// <param name="Reasons">Why it is planned: invoked, a dependency of the listed targets, triggered by the listed targets.</param>
/// <param name="DependencyOf">The planned targets that depend on it.</param>
/// <param name="TriggeredBy">The planned targets that trigger it.</param>
/// <param name="StaticSkip">Why it will not run, decided before anything runs; null when it will run.</param>
internal sealed record PlannedTarget(
    BuildTarget Target,
    IReadOnlySet<PlanReason> Reasons,
    IReadOnlyList<string> DependencyOf,
    IReadOnlyList<string> TriggeredBy,
    string? StaticSkip)
{
    public string Name => Target.Name;

    /// <summary>Only in the plan because something triggers it: it runs only if a trigger succeeds.</summary>
    public bool OnlyTriggered => Reasons.Count == 1 && Reasons.Contains(PlanReason.Triggered);
}

/// <summary>The targets to consider, in the order they run.</summary>
internal sealed record ExecutionPlan(IReadOnlyList<PlannedTarget> Targets, IReadOnlyList<string> Invoked)
{
    public PlannedTarget? Find(string name) => Targets.FirstOrDefault(t => t.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
}
