using Sluice.Environments;
using Sluice.Migrations.Plans;

namespace Sluice.Gates;

/// <summary>
/// Which gates apply to a release. The cheap ones (partial state, promotion order, calendar, replication lag, schema drift, lint) always
/// run. Snapshot, rehearsal and approvals run on every environment after the first in the order, and block only on a
/// protected environment or for a high-risk plan; the local environment (order 0, unprotected) skips them, so a
/// Promote there is not blocked by default. A plan with an irreversible phase is the exception: its only way back is a
/// snapshot, so the snapshot gate applies and blocks on every environment, the local one included. The drill gate
/// runs on a protected environment whose gates set <c>drill_max_age</c>.
/// </summary>
public static class GatePolicy
{
    public static IReadOnlyList<IReleaseGate> For(string environment, EnvironmentSpec spec, MigrationRisk risk,
        IReadOnlyList<EarlierEnvironment> earlier, GateSources sources, string? file = null, IReadOnlyList<MigrationPlan>? plans = null)
    {
        var settings = GateSettings.Read(spec.Gates, file);
        var calendar = ChangeCalendar.Read(spec.Calendar, file);
        var gates = new List<IReleaseGate>
        {
            new PartialStateGate(sources.Journal),
            new PromotionOrderGate(earlier, sources.History),
            new CalendarGate(calendar),
            new ReplicationLagGate(sources.Replication, settings.MaxReplicationLag),
            new DriftGate(sources.Drift),
            new LintGate(sources.Hints ?? new BuiltInPlanHints(environment: environment)),
        };
        // Other services' journals are read only where a pending plan requires one of their phases.
        if (sources.Requirements is { } requirements && (plans ?? []).SelectMany(Requirement.Of).Any()) gates.Add(new DependencyGate(requirements));
        var irreversible = (plans ?? []).SelectMany(p => p.Phases.Where(f => f.Irreversible).Select(f => $"{p.Id}/{f.Name}")).ToList();
        var first = !spec.Protected && (spec.Order ?? 0) == 0;
        if (first)
        {
            if (irreversible.Count > 0) gates.Add(new SnapshotGate(sources.Snapshots, settings.SnapshotMaxAge, blocking: true, Irreversible(irreversible)));
            return gates;
        }
        var blocking = spec.Protected || risk == MigrationRisk.High || irreversible.Count > 0;
        gates.Add(new SnapshotGate(sources.Snapshots, settings.SnapshotMaxAge, blocking, irreversible.Count > 0 ? Irreversible(irreversible) : null));
        gates.Add(new RehearsalGate(sources.Rehearsals, settings.RehearsalMaxAge, blocking));
        gates.Add(new ApprovalGate(ApprovalOrigins.Source(settings, sources, calendar, file), settings.Approvals, blocking, settings.ApprovalsFromRisk,
            (plan, ct) => SignedEvidence.CurrentAsync(sources, calendar, environment, plan, ct)));
        if (spec.Protected && settings.DrillMaxAge is { } drillMaxAge)
            gates.Add(new DrillGate(sources.Drills ?? new NoDrillSource(), drillMaxAge, settings.RequiredDrills));
        return gates;
    }

    private static string Irreversible(List<string> phases) => $"irreversible phase(s) {string.Join(", ", phases)} have no way back but a snapshot";

    /// <summary>Runs every gate; a gate that cannot decide (its source failed) fails with the reason as evidence.</summary>
    public static async Task<GateReport> EvaluateAsync(IReadOnlyList<IReleaseGate> gates, GateContext context, CancellationToken cancellationToken)
    {
        var results = new List<GateResult>();
        foreach (var gate in gates)
        {
            using var span = Observability.Tracing.SluiceActivities.StartGate(context.Environment, gate.Name);
            try
            {
                results.Add(await gate.EvaluateAsync(context, cancellationToken));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                results.Add(GateResult.Fail(gate.Name, $"could not decide: {e.Message}", "fix what the gate reads and run again"));
            }
            Observability.Tracing.SluiceActivities.EndGate(span, results[^1].Verdict.ToString().ToLowerInvariant());
        }
        return new GateReport(context.Environment, results);
    }
}
