using Sluice.Migrations.Backfill;
using Sluice.Migrations.Journal;
using Sluice.Migrations.Leases;
using Sluice.Migrations.Plans;
using Sluice.Migrations.Status;

namespace Sluice.Tests;

public sealed class StatusReportTests
{
    private static readonly DateTimeOffset Noon = new(2026, 1, 5, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Plans_never_run_are_pending_and_journal_rows_fill_in_the_rest()
    {
        var plan = PlanLoader.Load(RepositoryFiles.SamplePlan);
        var by = new RunnerIdentity("alice", "laptop", null);
        var journal = new PlanJournal(
            new PlanRecord(plan.Id, "0000", JournalStatus.Started, Noon, Noon),
            [new PhaseRecord(plan.Id, "add_split_columns", PhaseKind.Expand, JournalStatus.Done, 1, Noon, Noon.AddSeconds(2), by, null),
             new PhaseRecord(plan.Id, "backfill_split_name", PhaseKind.Backfill, JournalStatus.Started, 1, Noon.AddSeconds(3), null, by, null)],
            [new BackfillCheckpoint(plan.Id, "backfill_split_name", 1200, 1200, 3, false, Noon.AddSeconds(5))],
            [new RecordedEvent(1, Noon, JournalEventKind.PhaseDone, plan.Id, "add_split_columns", 1, "done", by)]);
        var holder = new LeaseHolder("staging", by, Noon, Noon.AddSeconds(10), Noon.AddSeconds(70));

        var report = MigrationStatusReport.Combine("staging", [plan], [journal], holder);

        var status = Assert.Single(report.Plans);
        Assert.True(status.HashChanged);
        Assert.Equal([JournalStatus.Done, JournalStatus.Started, JournalStatus.Pending, JournalStatus.Pending, JournalStatus.Pending],
            status.Phases.Select(p => p.Status));
        Assert.Equal(1200, status.Phases[1].Checkpoint!.LastKey);
        var text = report.Render();
        Assert.Contains("lease held by alice@laptop since 2026-01-05 12:00:00Z", text);
        Assert.Contains("CHANGED since applied", text);
        Assert.Contains("backfill_split_name [backfill] started", text);
        Assert.Contains("checkpoint key 1200, 1200 rows in 3 batches", text);
    }

    [Fact]
    public void Plans_only_in_the_journal_are_listed_too()
    {
        var by = new RunnerIdentity("bob", "ci", "https://ci.test/run/1");
        var journal = new PlanJournal(new PlanRecord("0000_removed", "abcd", JournalStatus.Done, Noon, Noon),
            [new PhaseRecord("0000_removed", "only", PhaseKind.Expand, JournalStatus.Done, 1, Noon, Noon, by, null)], [], []);
        var report = MigrationStatusReport.Combine("local", [], [journal], null);
        var status = Assert.Single(report.Plans);
        Assert.False(status.InFiles);
        Assert.Contains("not in the plans folder", report.Render());
        Assert.Contains("lease free", report.Render());
    }

    [Fact]
    public void Progress_counts_phases_done_and_backfill_rows_done_and_grows_with_either()
    {
        var plan = PlanLoader.Load(RepositoryFiles.SamplePlan);
        var by = new RunnerIdentity("ci", "runner", null);
        PlanJournal Journal(JournalStatus backfill, long rows) => new(
            new PlanRecord(plan.Id, plan.Hash, JournalStatus.Started, Noon, Noon),
            [new PhaseRecord(plan.Id, "add_split_columns", PhaseKind.Expand, JournalStatus.Done, 1, Noon, Noon, by, null),
             new PhaseRecord(plan.Id, "backfill_split_name", PhaseKind.Backfill, backfill, 1, Noon, null, by, null)],
            [new BackfillCheckpoint(plan.Id, "backfill_split_name", rows, rows, 1, backfill == JournalStatus.Done, Noon)], []);
        long Progress(JournalStatus backfill, long rows) => MigrationStatusReport.Combine("staging", [plan], [Journal(backfill, rows)], null).Progress;

        Assert.Equal(0, MigrationStatusReport.Combine("staging", [plan], [], null).Progress); // nothing run yet
        Assert.Equal(1 + 1200, Progress(JournalStatus.Started, 1200));
        Assert.Equal(Progress(JournalStatus.Started, 1200), Progress(JournalStatus.Started, 1200)); // no work between two runs: the same figure
        Assert.True(Progress(JournalStatus.Started, 1201) > Progress(JournalStatus.Started, 1200)); // a batch more
        Assert.True(Progress(JournalStatus.Done, 1200) > Progress(JournalStatus.Started, 1200));    // the phase finished
    }
}
