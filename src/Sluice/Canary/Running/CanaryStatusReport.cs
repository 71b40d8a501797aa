using System.Globalization;
using System.Text;

namespace Sluice.Canary.Running;

/// <summary>The canary section of Status: the recent canaries, how each ended and why, and the success rate of the
/// rollbacks after the failed ones.</summary>
public sealed record CanaryStatusReport(IReadOnlyList<CanaryRecord> Canaries)
{
    public static async Task<CanaryStatusReport> ReadAsync(ICanaryJournal journal, int last, CancellationToken cancellationToken)
    {
        await journal.EnsureAsync(cancellationToken);
        return new CanaryStatusReport(await journal.ReadAsync(last, cancellationToken));
    }

    /// <summary>Failed canaries whose rollback succeeded, out of the failed ones.</summary>
    public string RollbackSuccessRate
    {
        get
        {
            var failed = Canaries.Where(c => c.Outcome is CanaryOutcome.RolledBack or CanaryOutcome.RollbackFailed).ToList();
            return failed.Count == 0 ? "no canary rolled back"
                : string.Create(CultureInfo.InvariantCulture, $"{failed.Count(c => c.Outcome == CanaryOutcome.RolledBack)} of {failed.Count} rollbacks succeeded");
        }
    }

    public string Render()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture,
            $"canaries: {Canaries.Count(c => c.Outcome == CanaryOutcome.Promoted)} promoted of {Canaries.Count}; {RollbackSuccessRate}\n");
        foreach (var c in Canaries)
        {
            var back = c.BackOnBaselineAfter is { } b ? $", back on the baseline in {b.TotalMilliseconds:0} ms" : "";
            text.Append(CultureInfo.InvariantCulture,
                $"  #{c.Id} {c.StartedAt:yyyy-MM-dd HH:mm:ss}Z {c.Environment} {c.PlanId ?? "-"} {Reports.CanaryReportRows.Outcome(c.Outcome)} after {c.Measurements.Count} measurement(s){back} by {c.By}: {c.Reason}\n");
            if (c.RolledBackDetail is { } detail) text.Append(CultureInfo.InvariantCulture, $"     rollback: {detail}\n");
        }
        return text.ToString();
    }
}
