using Sluice.Errors;
using Sluice.Migrations.Plans;

namespace Sluice.Gates;

/// <summary>
/// Who may record a local approval (<c>./build.sh Approve --by NAME</c>). The first row that matches decides:
/// <list type="number">
/// <item>no <c>--by</c> → refused, SLU073 (name the approver);</item>
/// <item><c>--by</c> names a plan's owner → refused, SLU072 (an author never approves their own plan);</item>
/// <item>the person running it is a plan's owner, whatever <c>--by</c> says → refused, SLU072;</item>
/// <item><c>--by</c> is not the person running it (neither the OS user nor the git email) → refused, SLU279;</item>
/// <item>the environment declares approvers and the runner is none of them → refused, SLU280;</item>
/// <item>otherwise → recorded under the <c>--by</c> name, which is now the runner's own.</item>
/// </list>
/// </summary>
public static class LocalApprovalRules
{
    /// <summary>Throws the refusal of the first matching row; returns the name to record when none refuses.</summary>
    /// <param name="declaredApprovers">The environment's declared approvers; empty when it declares none (then anyone but an owner may approve).</param>
    public static string Check(string? by, ApproverIdentity runner, IReadOnlyList<MigrationPlan> plans, IReadOnlyCollection<string> declaredApprovers)
    {
        if (string.IsNullOrWhiteSpace(by))
            throw SluiceException.Usage(ErrorCodes.MissingApprover, "an approval needs the approver's name", "pass --by NAME");
        if (plans.FirstOrDefault(p => Same(p.Owner, by)) is { } own)
            throw SluiceException.Usage(ErrorCodes.SelfApproval, $"'{by}' owns plan '{own.Id}' and cannot approve it",
                "ask someone other than the plan's owner to approve it", own.PlanFile);
        if (plans.FirstOrDefault(p => runner.Is(p.Owner)) is { } authored)
            throw SluiceException.Usage(ErrorCodes.SelfApproval, $"{runner} owns plan '{authored.Id}' and cannot approve it, whatever --by says",
                "ask someone other than the plan's owner to approve it", authored.PlanFile);
        if (!runner.Is(by))
            throw SluiceException.Usage(ErrorCodes.ApproverNotRunner, $"--by '{by}' is not the person running Approve ({runner})",
                $"the approver runs Approve themselves, with --by {runner.Names[^1]}");
        if (declaredApprovers.Count > 0 && !declaredApprovers.Any(runner.Is))
            throw SluiceException.Usage(ErrorCodes.ApproverNotDeclared, $"{runner} is not one of the environment's approvers ({string.Join(", ", declaredApprovers)})",
                "ask a declared approver, or add the person to the environment's reviewers in .github/sluice-environments.yaml");
        return by;
    }

    private static bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
}
