using Sluice.Migrations.Journal;
using Sluice.Migrations.Plans;

namespace Sluice.Gates;

/// <summary>No plan has been half-applied for longer than its <c>max_partial_state</c>: old and new code would have
/// shared the data longer than the plan's author allowed.</summary>
public sealed class PartialStateGate(IMigrationJournal journal) : IReleaseGate
{
    public string Name => "partial_state";

    public async Task<GateResult> EvaluateAsync(GateContext context, CancellationToken cancellationToken)
    {
        var stale = new List<string>();
        var partial = 0;
        foreach (var plan in context.Plans)
        {
            if (Releases.PartialState.Since(plan, await journal.ReadPhasesAsync(plan.Id, cancellationToken), context.Now) is not { } since) continue;
            partial++;
            if (context.Now - since > plan.MaxPartialState)
                stale.Add($"{plan.Id} has been partial for {Durations.Format(context.Now - since)} (max_partial_state {Durations.Format(plan.MaxPartialState)})");
        }
        if (stale.Count > 0)
            return GateResult.Fail(Name, string.Join("; ", stale),
                $"decide first: finish it with ./build.sh Migrate --env {context.Environment} or revert it with ./build.sh Rollback --env {context.Environment} (ExpirePartialStates applies the plan's on_expiry)");
        return GateResult.Pass(Name, partial == 0 ? "no partial plan" : $"{partial} partial plan(s) within max_partial_state");
    }
}
