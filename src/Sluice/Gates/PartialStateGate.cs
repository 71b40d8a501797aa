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
            var phases = await journal.ReadPhasesAsync(plan.Id, cancellationToken);
            var applied = phases.Where(p => p.Status is JournalStatus.Done or JournalStatus.Started or JournalStatus.Failed).ToList();
            if (applied.Count == 0 || applied.Count == plan.Phases.Count && applied.All(p => p.Status == JournalStatus.Done)) continue;
            partial++;
            var since = applied.Min(p => p.StartedAt) ?? context.Now;
            if (context.Now - since > plan.MaxPartialState)
                stale.Add($"{plan.Id} has been partial for {Durations.Format(context.Now - since)} (max_partial_state {Durations.Format(plan.MaxPartialState)})");
        }
        if (stale.Count > 0)
            return GateResult.Fail(Name, string.Join("; ", stale),
                $"decide first: finish it with ./build.sh Migrate --env {context.Environment} or revert it with ./build.sh Rollback --env {context.Environment}");
        return GateResult.Pass(Name, partial == 0 ? "no partial plan" : $"{partial} partial plan(s) within max_partial_state");
    }
}
