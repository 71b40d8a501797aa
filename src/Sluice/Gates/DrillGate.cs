using Sluice.Drills;
using Sluice.Migrations.Plans;

namespace Sluice.Gates;

/// <summary>
/// Recovery is trusted only once practised: on a protected environment with <c>gates.drill_max_age</c>, each scenario
/// of <c>gates.drills</c> (default <c>corrupted-table</c>) must have a drill there younger than the limit that restored
/// the service with no data lost. Rules, per scenario, first match wins:
/// <list type="number">
/// <item>no drill of it ever ran on the environment: fail, "never drilled";</item>
/// <item>its latest drill is older than the limit: fail, with its age;</item>
/// <item>its latest drill failed or lost data: fail, with its outcome and rows lost;</item>
/// <item>otherwise: pass, with its age and time to restore.</item>
/// </list>
/// The remedy is the exact Drill command of every scenario that failed.
/// </summary>
public sealed class DrillGate(IDrillEvidenceSource drills, TimeSpan maxAge, IReadOnlyList<string> scenarios) : IReleaseGate
{
    public string Name => "drill";

    public async Task<GateResult> EvaluateAsync(GateContext context, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        var passed = new List<string>();
        var remedies = new List<string>();
        foreach (var scenario in scenarios)
        {
            var latest = await drills.LatestAsync(context.Environment, scenario, cancellationToken);
            var problem = latest switch
            {
                null => $"{scenario} was never drilled on {context.Environment}",
                _ when context.Now - latest.StartedAt > maxAge => $"{scenario} was last drilled {Durations.Format(context.Now - latest.StartedAt)} ago (limit {Durations.Format(maxAge)})",
                { Passed: false } => $"{scenario}'s latest drill ({latest.StartedAt:yyyy-MM-dd HH:mm}Z) {Describe(latest)}",
                _ => null,
            };
            if (problem is null)
            {
                passed.Add($"{scenario} restored in {latest!.TimeToRestore?.TotalSeconds:F1} s with 0 rows lost, {Durations.Format(context.Now - latest.StartedAt)} ago");
                continue;
            }
            problems.Add(problem);
            remedies.Add($"./build.sh Drill --env {context.Environment} --scenario {scenario}");
        }
        if (problems.Count == 0) return GateResult.Pass(Name, string.Join("; ", passed));
        return GateResult.Fail(Name, string.Join("; ", problems), string.Join(" && ", remedies));
    }

    private static string Describe(DrillResult drill) => drill.Outcome == DrillOutcome.Failed
        ? "failed: the recovery did not restore the service"
        : $"lost data: {drill.RowsMissing:N0} row(s) missing, {drill.RowsChanged:N0} changed";
}
