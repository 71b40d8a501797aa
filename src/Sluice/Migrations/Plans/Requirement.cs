namespace Sluice.Migrations.Plans;

/// <summary>One <c>requires:</c> entry of a plan or phase: <c>service/plan_id@phase</c>, a phase of another service's
/// plan that must be done on the same environment first.</summary>
/// <param name="Service">The other service (a folder under <c>pipelines/</c>).</param>
/// <param name="PlanId">Its plan.</param>
/// <param name="Phase">The phase of that plan.</param>
/// <param name="File">The plan.yaml that states the requirement.</param>
/// <param name="Line">The entry's line there.</param>
public sealed record Requirement(string Service, string PlanId, string Phase, string File, int Line)
{
    /// <summary>The step the requirement names, as written.</summary>
    public string Key => $"{Service}/{PlanId}@{Phase}";

    public override string ToString() => Key;

    /// <summary>What must be done before <paramref name="phase"/> of <paramref name="plan"/> runs: the phase's own
    /// requirements, and the plan's for its first phase.</summary>
    public static IReadOnlyList<Requirement> Before(MigrationPlan plan, MigrationPhase phase) =>
        ReferenceEquals(plan.Phases[0], phase) ? [.. plan.Requires, .. phase.Requires] : phase.Requires;

    /// <summary>Every requirement of the plan, the plan's and its phases'.</summary>
    public static IEnumerable<Requirement> Of(MigrationPlan plan) => plan.Requires.Concat(plan.Phases.SelectMany(p => p.Requires));
}
