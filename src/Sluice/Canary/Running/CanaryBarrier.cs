using Sluice.Canary.Definition;
using Sluice.Migrations.Journal;
using Sluice.Migrations.Plans;
using Sluice.Migrations.Running;

namespace Sluice.Canary.Running;

/// <summary>
/// Promote's canary: runs once, in the plan <see cref="CanaryContext.PlanId"/> names, between the phase the new
/// version needs and the contract: before that plan's contract (<see cref="VersionCompatibility.Contract"/>) is
/// applied, or after its last phase when it has none. Before any traffic moves it checks that the new version runs on
/// the live schema (SLU188). A failed canary has put traffic back on the baseline and throws SLU187; Promote then
/// rolls the plan back and tells this barrier how that went, which the canary's journal row records. Where the release
/// is split over processes, <paramref name="resumption"/> says whether it stops before the canary instead, or goes on
/// past one already promoted in stages (<see cref="CanaryResumption"/>).
/// </summary>
/// <param name="finished">Told the canary's id once its outcome is journaled (promoted, or failed and rolled back): the report is written there.</param>
public sealed class CanaryBarrier(CanaryDefinition definition, CanaryRunner runner, ICanaryJournal journal, IMigrationJournal migrations,
    CanaryContext context, IProgress<string>? progress, Func<long, CancellationToken, Task>? finished = null, CanaryResumption? resumption = null) : IPhaseBarrier
{
    private bool _ran;

    /// <summary>How the canary ended when it promoted; null until then.</summary>
    public CanaryResult? Result { get; private set; }

    private bool IsCanaryPoint(MigrationPlan plan, MigrationPhase? next) =>
        !_ran && plan.Id == context.PlanId && (next is null || ReferenceEquals(next, VersionCompatibility.Contract(definition, plan)));

    public Task<string?> StopBeforeAsync(MigrationPlan plan, MigrationPhase? next, CancellationToken cancellationToken)
    {
        if (resumption?.Action != CanaryResumptionAction.Stop || !IsCanaryPoint(plan, next)) return Task.FromResult<string?>(null);
        _ran = true;
        var env = context.Environment;
        return Task.FromResult<string?>(
            $"stopped before the canary ({(next is null ? "at the plan's end" : $"before phase '{next.Name}'")}); run ./build.sh Canary --env {env} --canary-stage prepare, " +
            $"then route, analyse and finish; then ./build.sh Promote --env {env} continues {(next is null ? "the plan" : $"with '{next.Name}'")}");
    }

    public async Task BeforeAsync(MigrationPlan plan, MigrationPhase? next, CancellationToken cancellationToken)
    {
        if (!IsCanaryPoint(plan, next)) return;
        _ran = true;
        if (resumption is { Action: CanaryResumptionAction.Skip, CanaryId: { } promoted })
        {
            progress?.Report($"canary {promoted} in plan {plan.Id} was promoted in stages: continuing {(next is null ? "to its end" : $"with phase '{next.Name}'")} without running it again");
            Result = new CanaryResult(promoted, CanaryOutcome.Promoted, resumption.Reason, []);
            return;
        }
        var states = (await migrations.ReadPhasesAsync(plan.Id, cancellationToken)).ToDictionary(p => p.Phase, p => p.Status, StringComparer.Ordinal);
        VersionCompatibility.Require(ServiceVersion.Canary, definition, plan, states, $"route traffic to v{definition.Versions.Canary}");
        progress?.Report($"canary in plan {plan.Id} before {(next is null ? "its end" : $"phase '{next.Name}'")}: " +
            string.Join(", ", definition.Steps.Select(s => $"{s.Weight} % for {Durations.Format(s.Interval)}")));
        Result = await runner.RunAsync(context, progress, cancellationToken);
        if (finished is not null) await finished(Result.Id, cancellationToken);
    }

    public async Task RolledBackAsync(bool succeeded, string detail, CancellationToken cancellationToken)
    {
        if (runner.Id is not { } id || Result is not null) return;
        await journal.RecordRollbackAsync(id, succeeded, detail, cancellationToken);
        if (finished is not null) await finished(id, cancellationToken);
    }
}
