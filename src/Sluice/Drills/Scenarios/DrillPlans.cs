using Sluice.Errors;
using Sluice.Migrations.Journal;
using Sluice.Migrations.Plans;

namespace Sluice.Drills.Scenarios;

/// <summary>The plan a migration drill acts on, and the copies brought to just before it.</summary>
internal static class DrillPlans
{
    /// <summary>The newest plan with a phase of <paramref name="kind"/>; SLU317 naming the kind when the service has none.</summary>
    public static (MigrationPlan Plan, MigrationPhase Phase) Newest(IReadOnlyList<MigrationPlan> plans, PhaseKind kind, string scenario)
    {
        foreach (var plan in plans.Reverse())
            if (plan.Phases.FirstOrDefault(p => p.Kind == kind) is { } phase) return (plan, phase);
        throw SluiceException.Usage(ErrorCodes.DrillPlanMissing,
            $"drill '{scenario}' needs a migration plan with a {kind.ToString().ToLowerInvariant()} phase; the service has none ({plans.Count} plan(s))",
            "write such a plan under pipelines/<service>/migrations, or drill another scenario");
    }

    /// <summary>Rolls <paramref name="plan"/> back on both copies where anything of it is applied, so the drill starts
    /// from before the plan whatever the environment's state; returns what it did, or null.</summary>
    public static async Task<string?> BeforePlanAsync(DrillSetting setting, MigrationPlan plan, CancellationToken cancellationToken)
    {
        var done = new List<string>();
        foreach (var (copy, name) in new[] { (setting.Working, "working"), (setting.Reference, "reference") })
        {
            if (!await AppliedAsync(copy, plan.Id, cancellationToken)) continue;
            await copy.RollbackAsync(plan.Id, cancellationToken);
            done.Add(name);
        }
        return done.Count == 0 ? null : $"{plan.Id} rolled back on the {string.Join(" and ", done)} copy, to start from before it";
    }

    /// <summary>The fault landed when <paramref name="phase"/> is left <paramref name="expected"/> (and <paramref name="seen"/>);
    /// otherwise SLU319: nothing was drilled, and a drill that measured nothing must not pass.</summary>
    public static async Task EnsureFaultLandedAsync(IDrillCopy copy, MigrationPlan plan, MigrationPhase phase, JournalStatus expected, bool seen,
        string scenario, string missed, string remedy, CancellationToken cancellationToken)
    {
        var status = (await copy.Journal.ReadPhasesAsync(plan.Id, cancellationToken)).FirstOrDefault(p => p.Phase == phase.Name)?.Status;
        if (status != expected || !seen)
            throw new SluiceException(ErrorKind.Failure, ErrorCodes.DrillFaultMissed,
                $"drill '{scenario}': {plan.Id}/{phase.Name} ended {status?.ToString().ToLowerInvariant() ?? "unrun"} {missed}, so nothing was drilled", remedy);
    }

    private static async Task<bool> AppliedAsync(IDrillCopy copy, string planId, CancellationToken cancellationToken)
    {
        await copy.Journal.EnsureAsync(cancellationToken);
        return (await copy.Journal.ReadPhasesAsync(planId, cancellationToken)).Any(p => p.Status is JournalStatus.Done or JournalStatus.Started or JournalStatus.Failed);
    }
}
