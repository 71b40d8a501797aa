using Sluice.Migrations.Plans;

namespace Sluice.Lint;

/// <summary>What a plan's plan.yaml says about a phase beyond what the loaded plan keeps.</summary>
public static class PlanYaml
{
    /// <summary>Whether the phase's block in plan.yaml (from its line to the next phase's) sets lock_timeout itself.</summary>
    public static bool PhaseSetsLockTimeout(MigrationPlan plan, MigrationPhase phase)
    {
        var lines = File.Exists(plan.PlanFile) ? File.ReadAllLines(plan.PlanFile) : [];
        var next = plan.Phases.SkipWhile(p => p != phase).Skip(1).FirstOrDefault()?.Line ?? lines.Length + 1;
        return lines.Skip(phase.Line - 1).Take(next - phase.Line).Any(l => l.TrimStart().StartsWith("lock_timeout:", StringComparison.Ordinal));
    }
}
