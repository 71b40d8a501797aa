using Sluice.Migrations.Plans;

namespace Sluice.Gates;

/// <summary>Every plan of at least <c>fromRisk</c> has <c>required</c> approvals for this environment at its current
/// hash, by someone other than its owner (an author never approves their own change). A plan below <c>fromRisk</c>
/// needs none. An approval that signed evidence (<see cref="SignedEvidence"/>) counts only while that evidence is
/// still what <c>current</c> reads; otherwise it is void and the evidence names what changed. A failing verdict names
/// the exact command that satisfies it (the source's <see cref="IApprovalSource.HowToApprove"/>).</summary>
/// <param name="current">The evidence as it stands now for a plan; null counts every approval at the plan's hash.</param>
public sealed class ApprovalGate(IApprovalSource approvals, int required, bool blocking, MigrationRisk fromRisk = MigrationRisk.Low,
    Func<MigrationPlan, CancellationToken, Task<SignedEvidence>>? current = null) : IReleaseGate
{
    public string Name => "approvals";

    public async Task<GateResult> EvaluateAsync(GateContext context, CancellationToken cancellationToken)
    {
        var missing = new List<string>();
        var seen = new List<string>();
        var voided = new List<string>();
        var exempt = context.Plans.Where(p => p.Risk < fromRisk).Select(p => $"{p.Id} ({p.Risk.ToString().ToLowerInvariant()} risk)").ToList();
        foreach (var plan in context.Plans.Where(p => p.Risk >= fromRisk))
        {
            var now = current is null ? null : await current(plan, cancellationToken);
            IReadOnlyList<string> Voids(Approval a) => a.Signed is { } signed && now is not null ? signed.Voids(now) : [];
            bool NotOwner(Approval a) => !string.Equals(a.By, plan.Owner, StringComparison.OrdinalIgnoreCase);
            var read = await approvals.ReadApprovalsAsync(context.Environment, plan.Id, plan.Hash, cancellationToken);
            var valid = read
                .Where(a => NotOwner(a) && Voids(a).Count == 0)
                .Select(a => a.By).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            // A code review signs its evidence as it is read, so a void one is among the approvals read as well.
            voided.AddRange(read.Concat(await approvals.ReadSignedApprovalsAsync(context.Environment, plan.Id, cancellationToken))
                .Where(a => NotOwner(a) && !valid.Contains(a.By, StringComparer.OrdinalIgnoreCase) && Voids(a).Count > 0)
                .Distinct()
                .Select(a => $"{a.By}'s approval of {plan.Id} is void: {string.Join("; ", Voids(a))}"));
            voided.AddRange((await approvals.ReadVoidedApprovalsAsync(context.Environment, plan.Id, cancellationToken))
                .Where(v => !valid.Contains(v.By, StringComparer.OrdinalIgnoreCase))
                .Select(v => $"{v.By}'s approval of {plan.Id} is void: {v.Reason}"));
            if (valid.Count < required) missing.Add($"{plan.Id} has {valid.Count} of {required}");
            else seen.Add($"{plan.Id} by {string.Join(", ", valid)}");
        }
        var none = exempt.Count == 0 ? "" : $"{(seen.Count == 0 ? "" : "; ")}none needed below {fromRisk.ToString().ToLowerInvariant()} risk: {string.Join(", ", exempt)}";
        if (missing.Count == 0)
            return GateResult.Pass(Name, context.Plans.Count == 0 ? "no plans to approve" : $"{(seen.Count == 0 ? "" : $"approved: {string.Join("; ", seen)}")}{none}");
        var evidence = $"missing approvals: {string.Join("; ", missing)}{(voided.Count == 0 ? "" : $"; {string.Join("; ", voided)}")}";
        var remedy = approvals.HowToApprove(context.Environment);
        return blocking ? GateResult.Fail(Name, evidence, remedy) : GateResult.Warn(Name, evidence, remedy);
    }
}
