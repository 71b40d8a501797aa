using Sluice.Build;
using Sluice.Canary.Running;
using Sluice.Releases;

namespace Sluice.Targets;

/// <summary>Adds rollbacks (with their success rate), gate decisions, approvals and canaries (with the success rate of
/// their rollbacks) to <c>Status</c>: it runs right after it; an approval whose signed evidence changed since is marked
/// VOID with what changed. It reads only.</summary>
public interface IReleaseStatus : IStatus
{
    Target ReleaseStatus => _ => _
        .Description("Prints the environment's recent rollbacks and their success rate, gate decisions and approvals (runs after Status)")
        .TriggeredBy<IStatus>(x => x.Status)
        .Executes(async ct =>
        {
            var session = await SessionAsync(ct);
            var report = await ReleaseStatusReport.ReadAsync(session.ReleaseJournal, 20, ct);
            report = report with { Voids = await session.Releases.ApprovalVoidsAsync(session.Release(session.Migration()), report.Approvals, ct) };
            var text = report.Render();
            foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries)) Host.Info(line);
            Host.AppendSummary($"### Releases on {Env}\n\n```\n{text}```\n");
            var canaries = (await CanaryStatusReport.ReadAsync((await SessionAsync(ct)).Canaries.Journal, 20, ct)).Render();
            foreach (var line in canaries.Split('\n', StringSplitOptions.RemoveEmptyEntries)) Host.Info(line);
            Host.AppendSummary($"### Canaries on {Env}\n\n```\n{canaries}```\n");
        });
}
