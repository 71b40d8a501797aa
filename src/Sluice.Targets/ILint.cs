using Sluice.Errors;
using Sluice.Build;
using Sluice.Gates;
using Sluice.Migrations.Plans;

namespace Sluice.Targets;

/// <summary>
/// <c>Lint</c> runs the lint gate's checks (<see cref="BuiltInPlanHints"/>: the rule set of docs/lint.md, read with
/// PostgreSQL's own grammar, levelled by the service's sluice.yaml) over every plan of the service, with no database: each finding is reported at its SQL file and line (an annotation in CI) and listed in the step summary.
/// An error finding fails the target (exit 1, SLU142), as it would block Promote; warnings only show.
/// </summary>
public interface ILint : ISluiceComponent
{
    Target Lint => _ => _
        .Description("Checks every migration plan's SQL the way the lint gate does, without a database; exit 1 on an error finding")
        .Executes(async ct =>
        {
            var plans = ServicePlans.Load(Path.Combine(Root, Pipelines), Service);
            var findings = await new BuiltInPlanHints().ReadAsync(plans.Plans, ct);
            var summary = new System.Text.StringBuilder($"### Lint of {plans.Service}: {plans.Plans.Count} plan(s), {findings.Count} finding(s)\n\n");
            foreach (var hint in findings)
            {
                var folder = plans.Plans.First(p => p.Id == hint.PlanId).Folder;
                var file = Path.GetRelativePath(Root, Path.Combine(folder, hint.File)).Replace('\\', '/');
                var message = $"{hint.PlanId}/{hint.Phase}: {hint.Message}";
                if (hint.Severity == HintSeverity.Error) Host.ReportError(message, file, hint.Line);
                else if (hint.Severity == HintSeverity.Warning) Host.ReportWarning(message, file, hint.Line);
                else Host.Info($"{file}{(hint.Line is { } at ? $":{at}" : "")}: {message}");
                summary.Append($"- **{hint.Severity.ToString().ToLowerInvariant()}** `{file}{(hint.Line is { } line ? $":{line}" : "")}` {message}\n");
            }
            Host.AppendSummary(summary.ToString());
            var errors = findings.Where(h => h.Severity == HintSeverity.Error).ToList();
            if (errors.Count > 0)
                throw new BuildException(ExitCode.TargetFailed, ErrorCodes.LintFailed, $"lint found {errors.Count} error(s) in the plans of {plans.Service}, the first at {Location(errors[0])}",
                    "fix the plan's SQL (a plan that has not run yet may still change); Promote's lint gate would block it");
            var warnings = findings.Count(h => h.Severity == HintSeverity.Warning);
            var info = findings.Count(h => h.Severity == HintSeverity.Info);
            Host.Info($"{(warnings == 0 ? "no warnings or errors" : $"{warnings} warning(s), no errors,")} in {plans.Plans.Count} plan(s){(info > 0 ? $" ({info} informational)" : "")}");

            string Location(PlanHint hint) => $"{hint.PlanId}/{hint.Location}";
        });
}
