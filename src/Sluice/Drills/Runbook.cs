using System.Globalization;
using System.Text;
using Sluice.Migrations.Plans;
using Sluice.Reports;
using Sluice.Reports.Markdown;

namespace Sluice.Drills;

/// <summary>
/// The environment's runbook as Markdown for a team's wiki: per plan and phase, its failure modes, the state each
/// leaves, the revert path and the recovery time measured by the latest drill of that path on this environment (or
/// the command that measures it when none ran), then the drills' history.
/// </summary>
public static class Runbook
{
    private static readonly ReportColumn[] PhaseColumns =
        [new("failure"), new("state after"), new("revert path"), new("measured recovery")];

    public static string Render(string environment, ServicePlans plans, IReadOnlyList<DrillResult> drills, DateTimeOffset now)
    {
        var latest = drills.GroupBy(d => d.Scenario).ToDictionary(g => g.Key, g => g.MaxBy(d => d.StartedAt)!);
        var md = new StringBuilder();
        md.Append(CultureInfo.InvariantCulture, $"# Runbook: {plans.Service} on {environment}\n\n");
        md.Append(CultureInfo.InvariantCulture, $"Written {now:yyyy-MM-dd HH:mm}Z by `./build.sh Runbook --env {environment}` from the plans and the drills in the journal. ");
        md.Append("Recovery times are measured on copies of the environment, from the fault until the service's health endpoint passed and its data matched the expected state.\n");
        foreach (var plan in plans.Plans)
        {
            md.Append(CultureInfo.InvariantCulture, $"\n## {plan.Id}\n\n{plan.Description} Owner {plan.Owner}, risk {plan.Risk.ToString().ToLowerInvariant()}, "
                + $"may stay half-migrated for {Durations.Format(plan.MaxPartialState)}.\n");
            foreach (var phase in plan.Phases)
            {
                md.Append(CultureInfo.InvariantCulture, $"\n### {phase.Name} ({phase.Kind.ToString().ToLowerInvariant()})\n\n");
                var rows = PhaseFailureModes.Of(phase).Select(m => (IReadOnlyList<string>)[m.Failure, m.StateAfter, m.Revert, Measured(m.Drill, latest, environment, now)]);
                md.Append(MarkdownTable.Render(PhaseColumns, rows));
            }
        }
        md.Append("\n## Drills\n\n");
        if (drills.Count == 0) md.Append(CultureInfo.InvariantCulture, $"No drill has run on {environment} yet: `./build.sh Drill --env {environment} --scenario corrupted-table`.\n");
        else
            md.Append(MarkdownTable.Render(DrillRows.Columns, DrillRows.Of(drills)));
        return md.ToString();
    }

    public static string Word(DrillOutcome outcome) => outcome switch
    {
        DrillOutcome.Restored => "restored",
        DrillOutcome.DataLost => "data lost",
        _ => "failed",
    };

    private static string Measured(string? scenario, Dictionary<string, DrillResult> latest, string environment, DateTimeOffset now)
    {
        if (scenario is null) return "not drilled (no scenario)";
        if (!latest.TryGetValue(scenario, out var drill)) return $"not drilled yet: ./build.sh Drill --env {environment} --scenario {scenario}";
        var when = $"{Durations.Format(now - drill.StartedAt)} ago";
        return drill.TimeToRestore is { } ttr && drill.Outcome != DrillOutcome.Failed
            ? $"{ttr.TotalSeconds:F1} s, {drill.RowsLost:N0} rows lost ({scenario}, {when})"
            : $"{scenario} failed {when}: see the drills below";
    }
}
