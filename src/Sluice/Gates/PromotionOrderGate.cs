using Sluice.Migrations.Journal;

namespace Sluice.Gates;

/// <summary>Every environment earlier in the promotion order has completed each plan at this exact hash.</summary>
public sealed class PromotionOrderGate(IReadOnlyList<EarlierEnvironment> earlier, IPromotionHistory history) : IReleaseGate
{
    public string Name => "promotion_order";

    public async Task<GateResult> EvaluateAsync(GateContext context, CancellationToken cancellationToken)
    {
        if (earlier.Count == 0) return GateResult.Pass(Name, "no environment comes earlier in the order");
        var problems = new List<string>();
        foreach (var environment in earlier.OrderBy(e => e.Order))
        {
            var plans = await history.ReadPlansAsync(environment.Name, cancellationToken);
            if (plans is null)
            {
                problems.Add($"'{environment.Name}' cannot be read");
                continue;
            }
            foreach (var plan in context.Plans)
                if (!plans.Any(p => p.PlanId == plan.Id && p.Hash == plan.Hash && p.Status == JournalStatus.Done))
                    problems.Add($"'{environment.Name}' has not completed {plan.Id} at hash {plan.Hash[..12]}");
        }
        return problems.Count == 0
            ? GateResult.Pass(Name, $"done at this hash on {string.Join(", ", earlier.OrderBy(e => e.Order).Select(e => e.Name))}")
            : GateResult.Fail(Name, string.Join("; ", problems), $"promote to {string.Join(", then ", earlier.OrderBy(e => e.Order).Select(e => e.Name))} first");
    }
}
