using Sluice.Migrations.Plans;

namespace Sluice.Gates;

/// <summary>Every plan of at least <c>fromRisk</c> has <c>required</c> approvals for this environment at its current
/// hash, by someone other than its owner (an author never approves their own change). A plan below <c>fromRisk</c>
/// needs none. A failing verdict names the exact command that satisfies it.</summary>
public sealed class ApprovalGate(IApprovalSource approvals, int required, bool blocking, MigrationRisk fromRisk = MigrationRisk.Low) : IReleaseGate
{
    public string Name => "approvals";

    public async Task<GateResult> EvaluateAsync(GateContext context, CancellationToken cancellationToken)
    {
        var missing = new List<string>();
        var seen = new List<string>();
        var exempt = context.Plans.Where(p => p.Risk < fromRisk).Select(p => $"{p.Id} ({p.Risk.ToString().ToLowerInvariant()} risk)").ToList();
        foreach (var plan in context.Plans.Where(p => p.Risk >= fromRisk))
        {
            var valid = (await approvals.ReadApprovalsAsync(context.Environment, plan.Id, plan.Hash, cancellationToken))
                .Where(a => !string.Equals(a.By, plan.Owner, StringComparison.OrdinalIgnoreCase))
                .Select(a => a.By).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            if (valid.Count < required) missing.Add($"{plan.Id} has {valid.Count} of {required}");
            else seen.Add($"{plan.Id} by {string.Join(", ", valid)}");
        }
        var none = exempt.Count == 0 ? "" : $"{(seen.Count == 0 ? "" : "; ")}none needed below {fromRisk.ToString().ToLowerInvariant()} risk: {string.Join(", ", exempt)}";
        if (missing.Count == 0)
            return GateResult.Pass(Name, context.Plans.Count == 0 ? "no plans to approve" : $"{(seen.Count == 0 ? "" : $"approved: {string.Join("; ", seen)}")}{none}");
        var evidence = $"missing approvals: {string.Join("; ", missing)}";
        var remedy = $"someone other than the plan's owner runs: ./build.sh Approve --env {context.Environment} --by <their OS user or git email>";
        return blocking ? GateResult.Fail(Name, evidence, remedy) : GateResult.Warn(Name, evidence, remedy);
    }
}
