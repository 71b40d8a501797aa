using Sluice.Build;
using Sluice.Drills;

namespace Sluice.Targets;

/// <summary>
/// <c>Runbook</c> writes <c>.sluice/reports/runbook-&lt;env&gt;.md</c> for the team's wiki from the service's plans and
/// the drills journaled on the environment: for each phase, its failure modes, the state each leaves, the revert path
/// and the recovery time the latest drill of that path measured (or the Drill command that measures it). It only reads.
/// </summary>
public interface IRunbook : ISluiceComponent
{
    Target Runbook => _ => _
        .Description("Writes the environment's runbook (.sluice/reports/runbook-<env>.md): per phase its failure modes, state after, revert path and measured recovery time")
        .Executes(async ct =>
        {
            var session = await SessionAsync(ct);
            var drills = await session.Drills.Journal.ListAsync(Env, ct);
            var markdown = this.Redactor().Redact(Sluice.Drills.Runbook.Render(Env, session.Plans, drills, DateTimeOffset.UtcNow));
            var folder = RehearsalPaths.Reports(this);
            Directory.CreateDirectory(folder);
            var file = Path.Combine(folder, $"runbook-{Env}.md");
            await File.WriteAllTextAsync(file, markdown, ct);
            Host.Info($"runbook of {session.Plans.Service} on {Env}: {session.Plans.Plans.Count} plan(s), {drills.Count} drill(s) -> {Path.GetRelativePath(Root, file)}");
        });
}
