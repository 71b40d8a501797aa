using System.Text;
using Sluice.Migrations.Backfill;
using Sluice.Migrations.Journal;
using Sluice.Migrations.Leases;
using Sluice.Migrations.Plans;

namespace Sluice.Migrations.Status;

/// <summary>One phase as Status shows it: the plan's phase joined with what the journal recorded.</summary>
public sealed record PhaseStatus(string Name, PhaseKind Kind, JournalStatus Status, int Attempts, DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt, BackfillCheckpoint? Checkpoint, string? LastError);

/// <summary>One plan as Status shows it. <see cref="HashChanged"/> is true when the files differ from what was applied.</summary>
public sealed record PlanStatus(string PlanId, JournalStatus Status, string FileHash, string? RecordedHash, bool InFiles,
    IReadOnlyList<PhaseStatus> Phases, IReadOnlyList<RecordedEvent> LastEvents)
{
    public bool HashChanged => RecordedHash is not null && InFiles && RecordedHash != FileHash;

    /// <summary>Where a run stopped the plan on purpose (before its canary), from its last events; null when it is not paused.</summary>
    public PlanPause? Pause => PlanPause.Of(Status, LastEvents);
}

/// <summary>Where every plan stands on one environment, and who holds its lease.</summary>
public sealed record MigrationStatusReport(string Environment, IReadOnlyList<PlanStatus> Plans, LeaseHolder? LeaseHolder)
{
    /// <summary>Each phase's predicted and actual duration (journal step 14), for every plan hash recorded.</summary>
    public IReadOnlyList<PhaseDuration> Durations { get; init; } = [];

    /// <summary>The prediction and actual of <paramref name="phase"/> at the plan's recorded hash (else its files' hash).</summary>
    public PhaseDuration? DurationOf(PlanStatus plan, string phase) =>
        Durations.FirstOrDefault(d => d.PlanId == plan.PlanId && d.Phase == phase && d.PlanHash == (plan.RecordedHash ?? plan.FileHash));

    /// <summary>Joins the plans on disk with the journal: plans never run are pending, journal-only plans are listed too.</summary>
    public static MigrationStatusReport Combine(string environment, IReadOnlyList<MigrationPlan> plans, IReadOnlyList<PlanJournal> journal, LeaseHolder? holder)
    {
        var byId = journal.ToDictionary(j => j.Plan.PlanId, StringComparer.Ordinal);
        var result = new List<PlanStatus>();
        foreach (var plan in plans)
        {
            byId.TryGetValue(plan.Id, out var recorded);
            var phases = plan.Phases.Select(phase =>
            {
                var row = recorded?.Phases.FirstOrDefault(p => p.Phase == phase.Name);
                var checkpoint = recorded?.Checkpoints.FirstOrDefault(c => c.Phase == phase.Name);
                return new PhaseStatus(phase.Name, phase.Kind, row?.Status ?? JournalStatus.Pending, row?.Attempts ?? 0, row?.StartedAt,
                    row?.FinishedAt, checkpoint, row?.LastError);
            }).ToList();
            result.Add(new PlanStatus(plan.Id, recorded?.Plan.Status ?? JournalStatus.Pending, plan.Hash, recorded?.Plan.Hash, true, phases,
                recorded?.LastEvents ?? []));
        }
        foreach (var orphan in journal.Where(j => plans.All(p => p.Id != j.Plan.PlanId)))
            result.Add(new PlanStatus(orphan.Plan.PlanId, orphan.Plan.Status, orphan.Plan.Hash, orphan.Plan.Hash, false,
                orphan.Phases.Select(p => new PhaseStatus(p.Phase, p.Kind, p.Status, p.Attempts, p.StartedAt, p.FinishedAt,
                    orphan.Checkpoints.FirstOrDefault(c => c.Phase == p.Phase), p.LastError)).ToList(), orphan.LastEvents));
        return new MigrationStatusReport(environment, result, holder);
    }

    /// <summary>
    /// How far the work has come, as one count that grows whenever a run gets anything done: phases done plus backfill
    /// rows done, over every plan. Two runs that end with the same figure made no progress between them.
    /// </summary>
    public long Progress => Plans.Sum(p => p.Phases.Sum(ph => (ph.Status == JournalStatus.Done ? 1 : 0) + (ph.Checkpoint?.RowsDone ?? 0)));

    /// <summary>The text Status prints.</summary>
    public string Render()
    {
        var text = new StringBuilder();
        text.AppendLine(LeaseHolder is { } h
            ? $"environment '{Environment}': lease held by {h.Holder} since {h.AcquiredAt:u} (heartbeat {h.HeartbeatAt:u}, expires {h.ExpiresAt:u}){Session(h)}"
            : $"environment '{Environment}': lease free");
        foreach (var plan in Plans)
        {
            var notes = (plan.InFiles ? "" : " (not in the plans folder)") + (plan.HashChanged ? $" CHANGED since applied: recorded {plan.RecordedHash}, files {plan.FileHash}" : "");
            text.AppendLine($"plan {plan.PlanId}: {Word(plan.Status)}{notes}");
            if (plan.Pause is { } pause) text.AppendLine($"  {pause.Describe()}");
            foreach (var phase in plan.Phases)
            {
                var timing = phase.StartedAt is { } s
                    ? phase.FinishedAt is { } f ? $" {s:u} .. {f:u} ({(f - s).TotalSeconds:F1} s)" : $" since {s:u}"
                    : "";
                var checkpoint = phase.Checkpoint is { } c ? $", checkpoint key {c.LastKey?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}, {c.RowsDone} rows in {c.Batches} batches" : "";
                var attempts = phase.Attempts > 0 ? $", {phase.Attempts} attempt(s)" : "";
                var error = phase.LastError is null || phase.Status != JournalStatus.Failed ? "" : $": {phase.LastError}";
                text.AppendLine($"  {phase.Name} [{phase.Kind.ToString().ToLowerInvariant()}] {Word(phase.Status)}{timing}{attempts}{checkpoint}{error}");
                if (DurationOf(plan, phase.Name) is { } duration) text.AppendLine($"    duration: {duration.Describe()}");
            }
            foreach (var e in plan.LastEvents)
                text.AppendLine($"    {e.At:u} {e.Kind} {e.Phase} {e.Message} ({e.By})");
        }
        return text.ToString();
    }

    private static string Session(LeaseHolder holder) => holder.SessionGone switch
    {
        true => $"; its session (backend pid {holder.BackendPid}) is gone: the next run takes the lease over at once",
        false => $"; its session is connected (backend pid {holder.BackendPid})",
        null => "",
    };

    private static string Word(JournalStatus status) => status.ToString().ToLowerInvariant();
}
