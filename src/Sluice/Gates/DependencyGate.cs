using Sluice.Migrations.Journal;
using Sluice.Migrations.Plans;

namespace Sluice.Gates;

/// <summary>
/// A phase that <c>requires:</c> another service's phase runs only once that phase is done on the same environment,
/// read from the other service's journal. Every requirement of the pending plans is judged; the first row that matches decides:
/// <list type="number">
/// <item>no phase of the pending plans requires anything → pass;</item>
/// <item>a required service has no journal on the environment → fail, naming it and the command that promotes it;</item>
/// <item>a required phase is not done (pending, started, failed, reverted) and the release does not run it first → fail,
/// naming the requirement, its status and the command that satisfies it;</item>
/// <item>otherwise (each done, or run earlier in the same train) → pass, with when each was done.</item>
/// </list>
/// </summary>
public sealed class DependencyGate(IRequirementSource source) : IReleaseGate
{
    public const string GateName = "dependencies";

    public string Name => GateName;

    public async Task<GateResult> EvaluateAsync(GateContext context, CancellationToken cancellationToken)
    {
        var states = new List<(string Needs, RequirementState State)>();
        foreach (var plan in context.Plans)
        foreach (var phase in plan.Phases)
        foreach (var requirement in Requirement.Before(plan, phase))
            states.Add(($"{plan.Id}@{phase.Name}", await source.ReadAsync(requirement, cancellationToken)));
        return Judge(context.Environment, states);
    }

    /// <summary>The rows above over what each phase needs (<c>plan@phase</c>) and how its requirement stands.</summary>
    public static GateResult Judge(string environment, IReadOnlyList<(string Needs, RequirementState State)> states)
    {
        if (states.Count == 0) return GateResult.Pass(GateName, "no phase of the pending plans requires another service's phase");
        if (states.FirstOrDefault(s => s.State is { Status: null, ScheduledEarlier: false }) is { State: not null } unjournaled)
            return GateResult.Fail(GateName,
                $"{unjournaled.Needs} requires {unjournaled.State.Requirement}, but service '{unjournaled.State.Requirement.Service}' has no journal on '{environment}': nothing of it was promoted there",
                Remedy(environment, unjournaled.State.Requirement));
        if (states.FirstOrDefault(s => s.State is { Status: not JournalStatus.Done, ScheduledEarlier: false }) is { State: not null } missing)
            return GateResult.Fail(GateName,
                $"{missing.Needs} requires {missing.State.Requirement}, which is {missing.State.Status.ToString()!.ToLowerInvariant()} on '{environment}'",
                Remedy(environment, missing.State.Requirement));
        return GateResult.Pass(GateName, string.Join("; ", states.Select(s => $"{s.Needs} requires {s.State.Requirement}: " +
            (s.State.ScheduledEarlier ? "runs earlier in this train" : $"done {s.State.DoneAt:yyyy-MM-dd HH:mm}Z"))));
    }

    private static string Remedy(string environment, Requirement requirement) =>
        $"promote it first: ./build.sh Promote --env {environment} --service {requirement.Service} --migration {requirement.PlanId}; " +
        $"or release both as one train: ./build.sh Promote --env {environment} --services all";
}
