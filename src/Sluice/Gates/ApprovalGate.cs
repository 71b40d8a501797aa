namespace Sluice.Gates;

/// <summary>Every plan has <c>required</c> approvals for this environment at its current hash, by someone other than
/// its owner (an author never approves their own change).</summary>
public sealed class ApprovalGate(IApprovalSource approvals, int required, bool blocking) : IReleaseGate
{
    public string Name => "approvals";

    public async Task<GateResult> EvaluateAsync(GateContext context, CancellationToken cancellationToken)
    {
        var missing = new List<string>();
        var seen = new List<string>();
        foreach (var plan in context.Plans)
        {
            var valid = (await approvals.ReadApprovalsAsync(context.Environment, plan.Id, plan.Hash, cancellationToken))
                .Where(a => !string.Equals(a.By, plan.Owner, StringComparison.OrdinalIgnoreCase))
                .Select(a => a.By).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            if (valid.Count < required) missing.Add($"{plan.Id} has {valid.Count} of {required}");
            else seen.Add($"{plan.Id} by {string.Join(", ", valid)}");
        }
        if (missing.Count == 0)
            return GateResult.Pass(Name, context.Plans.Count == 0 ? "no plans to approve" : $"approved: {string.Join("; ", seen)}");
        var evidence = $"missing approvals: {string.Join("; ", missing)}";
        var remedy = $"someone other than the plan's owner runs ./build.sh Approve --env {context.Environment} --by NAME";
        return blocking ? GateResult.Fail(Name, evidence, remedy) : GateResult.Warn(Name, evidence, remedy);
    }
}
