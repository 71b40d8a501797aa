using Sluice.Environments;
using Sluice.Migrations.Plans;

namespace Sluice.Gates;

/// <summary>What a gate decides about: the pending plans going to one environment, at one moment.</summary>
/// <param name="Environment">The environment's name (<c>--env</c>).</param>
/// <param name="Spec">Its definition (order, protected, gates, calendar).</param>
/// <param name="Plans">The plans the release would run there (pending or partial).</param>
/// <param name="Now">The moment of the decision; gates never read the clock themselves so tests can pin it.</param>
public sealed record GateContext(string Environment, EnvironmentSpec Spec, IReadOnlyList<MigrationPlan> Plans, DateTimeOffset Now)
{
    /// <summary>The highest risk among the plans; a release is as risky as its riskiest change.</summary>
    public MigrationRisk Risk => Plans.Count == 0 ? MigrationRisk.Low : Plans.Max(p => p.Risk);
}
