using Sluice.Gates;
using Sluice.Migrations.Journal;
using Sluice.Releases;

namespace Sluice.Reports.History;

/// <summary>
/// What the journal of one environment knows about its releases: each plan with its phases, the rollbacks and the
/// gate decisions. The figures below are computed from these (rows of the Report's summary):
/// <code>
/// #  Figure                 From
/// 1  change failure rate    plans that failed or were reverted / plans that ran
/// 2  rollback success rate  rollbacks that succeeded / rollbacks that did something (nothing-to-roll-back left out)
/// 3  time to restore        the mean duration of the rollbacks that succeeded
/// 4  time half-migrated     per plan: first phase started to last phase finished (to now while in progress)
/// 5  gate outcomes          decisions counted by verdict
/// </code>
/// Drills (<c>sluice.drills</c>) are shown over time when a drill journal is given; canary steps are not shown yet, and
/// the report says so rather than showing empty charts.
/// </summary>
public sealed record ReleaseHistory(string Environment, DateTimeOffset At, IReadOnlyList<PlanJournal> Plans, IReadOnlyList<RollbackRecord> Rollbacks,
    IReadOnlyList<GateDecision> Gates)
{
    /// <summary>The environment's drills, oldest first (empty without a drill journal).</summary>
    public IReadOnlyList<Drills.DrillResult> Drills { get; init; } = [];

    public static async Task<ReleaseHistory> ReadAsync(string environment, IMigrationJournal journal, IReleaseJournal releases, TimeProvider time,
        CancellationToken cancellationToken, Drills.IDrillJournal? drills = null)
    {
        await journal.EnsureAsync(cancellationToken);
        await releases.EnsureAsync(cancellationToken);
        var plans = (await journal.ReadAllAsync(20, cancellationToken)).Where(p => p.Phases.Any(f => f.StartedAt is not null)).ToList();
        return new ReleaseHistory(environment, time.GetUtcNow(), plans, await releases.ReadRollbacksAsync(200, cancellationToken),
            await releases.ReadGateDecisionsAsync(500, cancellationToken))
        {
            Drills = drills is null ? [] : await drills.ListAsync(environment, cancellationToken),
        };
    }

    /// <summary>Row 1: null when no plan ran.</summary>
    public double? ChangeFailureRate => Plans.Count == 0 ? null
        : (double)Plans.Count(p => p.Plan.Status is JournalStatus.Failed or JournalStatus.Reverted) / Plans.Count;

    private IEnumerable<RollbackRecord> Acted => Rollbacks.Where(r => r.Outcome != RollbackOutcome.NothingToRollBack);

    /// <summary>Row 2: null when nothing was rolled back.</summary>
    public double? RollbackSuccessRate => !Acted.Any() ? null : (double)Acted.Count(r => r.Outcome == RollbackOutcome.Succeeded) / Acted.Count();

    /// <summary>Row 3: null when no rollback succeeded.</summary>
    public TimeSpan? TimeToRestore => Rollbacks.Where(r => r.Outcome == RollbackOutcome.Succeeded).Select(r => r.Duration).ToList() is { Count: > 0 } d
        ? TimeSpan.FromTicks((long)d.Average(x => x.Ticks)) : null;

    /// <summary>Row 4.</summary>
    public TimeSpan HalfMigrated(PlanJournal plan)
    {
        var started = plan.Phases.Where(p => p.StartedAt is not null).Min(p => p.StartedAt!.Value);
        var finished = plan.Plan.Status == JournalStatus.Started ? At : plan.Phases.Max(p => p.FinishedAt ?? p.StartedAt) ?? At;
        return finished > started ? finished - started : TimeSpan.Zero;
    }

    /// <summary>Row 5, in the order pass, warn, fail.</summary>
    public IReadOnlyList<(GateVerdict Verdict, int Count)> GateOutcomes =>
        [.. Enum.GetValues<GateVerdict>().Select(v => (v, Gates.Count(g => g.Verdict == v)))];

    /// <summary>The last plan that ran: the release the timeline shows.</summary>
    public PlanJournal? Last => Plans.OrderBy(p => p.Phases.Where(f => f.StartedAt is not null).Max(f => f.StartedAt)).LastOrDefault();
}
