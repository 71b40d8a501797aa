using Sluice.Migrations.Plans;

namespace Sluice.Gates;

/// <summary>Every plan was rehearsed at its exact current hash within <c>maxAge</c>.</summary>
public sealed class RehearsalGate(IRehearsalEvidenceSource rehearsals, TimeSpan maxAge, bool blocking) : IReleaseGate
{
    public string Name => "rehearsal";

    public async Task<GateResult> EvaluateAsync(GateContext context, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        foreach (var plan in context.Plans)
        {
            var at = await rehearsals.LatestRehearsalAsync(context.Environment, plan.Hash, cancellationToken);
            if (at is null) problems.Add($"{plan.Id} was never rehearsed at hash {plan.Hash[..12]}");
            else if (context.Now - at.Value > maxAge) problems.Add($"{plan.Id} was rehearsed {Durations.Format(context.Now - at.Value)} ago (limit {Durations.Format(maxAge)})");
        }
        if (problems.Count == 0)
            return GateResult.Pass(Name, context.Plans.Count == 0 ? "no plans" : $"every plan rehearsed at its hash within {Durations.Format(maxAge)}");
        var remedy = $"./build.sh Rehearse --env {context.Environment}";
        return blocking ? GateResult.Fail(Name, string.Join("; ", problems), remedy) : GateResult.Warn(Name, string.Join("; ", problems), remedy);
    }
}
