namespace Sluice.Gates;

/// <summary>No static-analysis error in the pending plans; warnings are shown and let the release go on.</summary>
public sealed class LintGate(IPlanHintSource hints) : IReleaseGate
{
    private const int Shown = 3;

    public string Name => "lint";

    public async Task<GateResult> EvaluateAsync(GateContext context, CancellationToken cancellationToken)
    {
        var found = await hints.ReadAsync(context.Plans, cancellationToken);
        string List(HintSeverity severity)
        {
            var of = found.Where(h => h.Severity == severity).ToList();
            return string.Join("; ", of.Take(Shown).Select(h => $"{h.PlanId}/{h.Phase} {h.Location}: {h.Message}"))
                + (of.Count > Shown ? $"; and {of.Count - Shown} more" : "");
        }
        if (found.Any(h => h.Severity == HintSeverity.Error))
            return GateResult.Fail(Name, List(HintSeverity.Error), "fix the plan's SQL (a plan that has not run yet may still change)");
        if (found.Any(h => h.Severity == HintSeverity.Warning))
            return GateResult.Warn(Name, List(HintSeverity.Warning), "check each warning; rehearsal shows the locks and rewrites it predicts");
        var info = found.Count(h => h.Severity == HintSeverity.Info);
        return GateResult.Pass(Name, context.Plans.Count == 0 ? "no plans" : $"no warnings or errors in {context.Plans.Count} plan(s){(info > 0 ? $" ({info} informational)" : "")}");
    }
}
