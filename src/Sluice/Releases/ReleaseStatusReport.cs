using System.Globalization;
using System.Text;
using Sluice.Gates;

namespace Sluice.Releases;

/// <summary>The release section of Status: recent rollbacks with their success rate, gate decisions and approvals.</summary>
public sealed record ReleaseStatusReport(IReadOnlyList<RollbackRecord> Rollbacks, IReadOnlyList<GateDecision> Gates, IReadOnlyList<Approval> Approvals)
{
    /// <summary>What voids each approval that signed evidence which has changed since (<see cref="ReleaseService.ApprovalVoidsAsync"/>).</summary>
    public IReadOnlyDictionary<Approval, IReadOnlyList<string>> Voids { get; init; } = new Dictionary<Approval, IReadOnlyList<string>>();

    public static async Task<ReleaseStatusReport> ReadAsync(IReleaseJournal journal, int last, CancellationToken cancellationToken)
    {
        await journal.EnsureAsync(cancellationToken);
        return new ReleaseStatusReport(await journal.ReadRollbacksAsync(last, cancellationToken),
            await journal.ReadGateDecisionsAsync(last, cancellationToken), await journal.ReadAllApprovalsAsync(cancellationToken));
    }

    /// <summary>Rollbacks that had something to revert and reverted it, out of those that had something to revert.</summary>
    public string SuccessRate
    {
        get
        {
            var attempted = Rollbacks.Where(r => r.Outcome != RollbackOutcome.NothingToRollBack).ToList();
            return attempted.Count == 0 ? "no rollbacks"
                : string.Create(CultureInfo.InvariantCulture, $"{attempted.Count(r => r.Outcome == RollbackOutcome.Succeeded)} of {attempted.Count} succeeded");
        }
    }

    public string Render()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"rollbacks: {SuccessRate}\n");
        foreach (var r in Rollbacks)
            text.Append(CultureInfo.InvariantCulture,
                $"  {r.At:yyyy-MM-dd HH:mm:ss}Z {r.Environment} {r.PlanId ?? "-"} {Snake(r.Trigger)} {Snake(r.Outcome)} ({r.PhasesReverted} phase(s), {r.Duration.TotalMilliseconds:F0} ms) by {r.By}: {r.Detail}\n");
        text.Append(CultureInfo.InvariantCulture, $"gate decisions: {(Gates.Count == 0 ? "none" : "")}\n");
        foreach (var g in Gates)
            text.Append(CultureInfo.InvariantCulture, $"  {g.At:yyyy-MM-dd HH:mm:ss}Z {g.Environment} {g.Gate} {GateReport.Word(g.Verdict)}: {g.Evidence}\n");
        text.Append(CultureInfo.InvariantCulture, $"approvals: {(Approvals.Count == 0 ? "none" : "")}\n");
        foreach (var a in Approvals)
            text.Append(CultureInfo.InvariantCulture, $"  {a.At:yyyy-MM-dd HH:mm:ss}Z {a.Environment} {a.PlanId} ({a.PlanHash[..Math.Min(12, a.PlanHash.Length)]}) by {a.By}"
                + $"{(a.OsUser is null ? "" : $" (ran as {a.OsUser}{(a.GitIdentity is null ? "" : $", {a.GitIdentity}")})")}"
                + $"{(Voids.TryGetValue(a, out var voids) && voids.Count > 0 ? $": VOID, {string.Join("; ", voids)}" : "")}\n");
        return text.ToString();
    }

    private static string Snake<T>(T value) where T : struct, Enum =>
        string.Concat(value.ToString().Select((c, i) => char.IsUpper(c) ? (i == 0 ? "" : "_") + char.ToLowerInvariant(c) : c.ToString()));
}
