using Sluice.Migrations.Plans;

namespace Sluice.Releases;

/// <summary>How acting on an expired partial state ended.</summary>
public enum ExpiryOutcome
{
    Completed,
    RolledBack,
    Alerted,
    Failed,
}

/// <summary>One action on a plan that stayed partial past its <c>max_partial_state</c>, as journaled.</summary>
/// <param name="PartialSince">When the plan became partial.</param>
/// <param name="Detail">What was done, or why it failed.</param>
public sealed record ExpiryAction(string Environment, string PlanId, ExpiryPolicy Policy, DateTimeOffset PartialSince, ExpiryOutcome Outcome,
    string Detail, string By, DateTimeOffset At);
