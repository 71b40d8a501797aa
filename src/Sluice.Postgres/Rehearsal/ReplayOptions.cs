using Sluice.Rehearsal.Traffic;

namespace Sluice.Postgres.Rehearsal;

/// <summary>How a replay is bounded.</summary>
/// <param name="PerSecond">All shapes together at most this many statements a second (1-200): the recorded rates scale down together above it.</param>
/// <param name="Statements">How many of the profile's statements (most called first) to replay.</param>
/// <param name="PlanFidelityMinimum">The planner-fidelity share below which the rehearsal fails (<c>gates.plan_fidelity</c>).</param>
public sealed record ReplayOptions(int PerSecond = 100, int Statements = 10, double PlanFidelityMinimum = PlanFidelity.DefaultMinimum)
{
    public const int MaxPerSecond = 200;
}
