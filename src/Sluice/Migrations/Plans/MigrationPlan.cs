namespace Sluice.Migrations.Plans;

/// <summary>A release's database change as loaded from <c>pipelines/&lt;service&gt;/migrations/&lt;id&gt;/plan.yaml</c>.</summary>
/// <param name="Id">The plan's id (unique within the service).</param>
/// <param name="Owner">Who answers for it.</param>
/// <param name="Risk">How much harm it can do.</param>
/// <param name="Description">What it changes and why.</param>
/// <param name="MaxPartialState">How long the system may stay half-migrated.</param>
/// <param name="Phases">The phases in order.</param>
/// <param name="Folder">The plan folder.</param>
/// <param name="PlanFile">The plan.yaml path.</param>
/// <param name="Hash">SHA-256 (lowercase hex) over plan.yaml and every file it names.</param>
public sealed record MigrationPlan(
    string Id,
    string Owner,
    MigrationRisk Risk,
    string Description,
    TimeSpan MaxPartialState,
    IReadOnlyList<MigrationPhase> Phases,
    string Folder,
    string PlanFile,
    string Hash)
{
    /// <summary>plan.yaml's <c>on_expiry</c>: what ExpirePartialStates does once the plan has been partial longer than
    /// <see cref="MaxPartialState"/>.</summary>
    public ExpiryPolicy OnExpiry { get; init; } = ExpiryPolicy.Alert;
    /// <summary>The plan's <c>slo:</c> block; null when it states none.</summary>
    public PlanSlo? Slo { get; init; }
    /// <summary>The plan's <c>requires:</c>: other services' phases done before its first phase (<see cref="Requirement"/>).</summary>
    public IReadOnlyList<Requirement> Requires { get; init; } = [];

    public MigrationPhase Phase(string name) =>
        Phases.FirstOrDefault(p => p.Name == name) ?? throw new ArgumentException($"plan '{Id}' has no phase '{name}'", nameof(name));
}
