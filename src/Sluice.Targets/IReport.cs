using Sluice.Build;
using Sluice.Reports.History;

namespace Sluice.Targets;

/// <summary>
/// <c>Report</c> draws the environment's release history from its journal: <c>.sluice/reports/releases-&lt;env&gt;.html</c>
/// (self-contained: inline SVG charts, nothing fetched) and <c>.md</c>, which also goes to the CI step summary. It
/// only reads, so it takes no lease: a report during a running release shows that release in progress.
/// </summary>
public interface IReport : ISluiceComponent
{
    Target Report => _ => _
        .Description("The release history of the environment from its journal, as HTML with charts and as Markdown")
        .Executes(async ct =>
        {
            var session = await SessionAsync(ct);
            var history = await ReleaseHistory.ReadAsync(Env, session.Journal, session.ReleaseJournal, TimeProvider.System, ct, session.Drills.Journal);
            var files = await ReleaseHistoryFiles.WriteAsync(history, RehearsalPaths.Reports(this), this.Redactor(), ct);
            Host.Info($"{history.Plans.Count} plan(s), {history.Rollbacks.Count} rollback(s), {history.Gates.Count} gate decision(s): " +
                      string.Join(", ", files.Select(f => Path.GetRelativePath(Root, f))));
            Host.AppendSummary(ReleaseHistoryMarkdown.Render(history));
        });
}
