using Sluice.Rehearsal.Runs;
using Sluice.Rehearsal.Slo;

namespace Sluice.Tests.Rehearsal;

/// <summary>One test per row of <see cref="RehearsalSloJudge"/>'s table, and the SLO table of the report it feeds.</summary>
public sealed class RehearsalSloJudgeTests
{
    private static TimeSpan Ms(double ms) => TimeSpan.FromMilliseconds(ms);

    private static IReadOnlyList<TimeSpan> Writes(int count, double ms) => [.. Enumerable.Repeat(Ms(ms), count)];

    [Fact]
    public void W1_a_phase_that_blocks_no_writer_is_within()
    {
        var verdict = RehearsalSloJudge.LongestWriteBlock(new WriteBlockEvidence(null, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, false), Ms(50));
        Assert.Equal(("W1", FindingSeverity.Info, SloOutcome.Within), (verdict.Row, verdict.Severity, verdict.Outcome));
        Assert.Contains("nothing in it blocks writers", verdict.Evidence, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(20.0, 400.0, 0.0, 0.0, "AccessExclusiveLock on public.items from up.sql:1 to the commit held 20 ms here, 400 ms at production size")]
    [InlineData(0.0, 0.0, 30.0, 300.0, "the workload waited 30 ms on a lock here, 300 ms at production size")]
    public void W2_the_longer_of_the_locks_hold_and_the_workloads_wait_at_production_size_above_the_bound_is_an_error(
        double heldHere, double heldThere, double waitedHere, double waitedThere, string what)
    {
        var lockName = heldHere > 0 ? "AccessExclusiveLock on public.items from up.sql:1 to the commit" : null;
        var verdict = RehearsalSloJudge.LongestWriteBlock(new WriteBlockEvidence(lockName, Ms(heldHere), Ms(heldThere), Ms(waitedHere), Ms(waitedThere), false), Ms(50));
        Assert.Equal(("W2", FindingSeverity.Error, SloOutcome.Exceeded), (verdict.Row, verdict.Severity, verdict.Outcome));
        Assert.Equal(((double?)Math.Max(heldHere, waitedHere), (double?)Math.Max(heldThere, waitedThere)), (verdict.Measured, verdict.Predicted));
        Assert.Contains("above the slo's longest_write_block of 50 ms", verdict.Evidence, StringComparison.Ordinal);
        Assert.Contains(what, verdict.Evidence, StringComparison.Ordinal);
        Assert.Contains("CONCURRENTLY", verdict.Remedy, StringComparison.Ordinal);
    }

    [Fact]
    public void W2_a_backfill_batch_too_long_for_the_bound_names_the_batch_and_a_batch_remedy()
    {
        var verdict = RehearsalSloJudge.LongestWriteBlock(
            new WriteBlockEvidence("the row locks of production's batch of 100 rows", Ms(300), Ms(310), Ms(280), TimeSpan.Zero, true), Ms(100));
        Assert.Equal(("W2", (double?)310), (verdict.Row, verdict.Predicted));
        Assert.Contains("the row locks of production's batch of 100 rows held 300 ms here, 310 ms at production size", verdict.Evidence, StringComparison.Ordinal);
        Assert.Contains("; writers waited up to 280 ms behind the rehearsal's own batches", verdict.Evidence, StringComparison.Ordinal);
        Assert.Contains("min_batch_size", verdict.Remedy, StringComparison.Ordinal);
    }

    [Fact]
    public void W3_within_the_bound_is_recorded_with_its_figures()
    {
        var verdict = RehearsalSloJudge.LongestWriteBlock(new WriteBlockEvidence("ShareLock on public.items from up.sql:2 to the commit", Ms(2), Ms(8), Ms(1), Ms(4), false), Ms(50));
        Assert.Equal(("W3", FindingSeverity.Info, SloOutcome.Within, (double?)2, (double?)8), (verdict.Row, verdict.Severity, verdict.Outcome, verdict.Measured, verdict.Predicted));
        Assert.Contains("within the slo's longest_write_block of 50 ms", verdict.Evidence, StringComparison.Ordinal);
        Assert.Null(verdict.Remedy);
    }

    [Fact]
    public void H1_a_backfill_without_a_batch_is_not_measured()
    {
        var verdict = RehearsalSloJudge.LongestLockHold(null, Ms(100));
        Assert.Equal(("H1", FindingSeverity.Info, SloOutcome.NotMeasured, (double?)null), (verdict.Row, verdict.Severity, verdict.Outcome, verdict.Predicted));
    }

    [Fact]
    public void H2_productions_batch_holding_its_locks_past_the_bound_is_an_error_saying_the_real_run_would_stop()
    {
        var verdict = RehearsalSloJudge.LongestLockHold(new ProductionBatchHold(100, Ms(305), Ms(330), "B1: ..."), Ms(100));
        Assert.Equal(("H2", FindingSeverity.Error, SloOutcome.Exceeded, (double?)330, (double?)305), (verdict.Row, verdict.Severity, verdict.Outcome, verdict.Measured, verdict.Predicted));
        Assert.Contains("production's batch of 100 rows would hold its locks for 305 ms, above the slo's longest_lock_hold of 100 ms", verdict.Evidence, StringComparison.Ordinal);
        Assert.Contains("SLU251", verdict.Evidence, StringComparison.Ordinal);
        Assert.Contains("(B1: ...)", verdict.Evidence, StringComparison.Ordinal);
        Assert.Contains("fixed cost", verdict.Remedy, StringComparison.Ordinal);
    }

    [Fact]
    public void H3_a_batch_within_the_bound_is_recorded()
    {
        var verdict = RehearsalSloJudge.LongestLockHold(new ProductionBatchHold(4000, Ms(200), Ms(60), "B4"), Ms(250));
        Assert.Equal(("H3", SloOutcome.Within, (double?)200), (verdict.Row, verdict.Outcome, verdict.Predicted));
    }

    [Fact]
    public void P1_writers_are_not_timed_across_a_network()
    {
        var verdict = RehearsalSloJudge.WriterP99Increase(new WriterLatencies(false, Writes(200, 1), Writes(200, 1)), 2);
        Assert.Equal(("P1", FindingSeverity.Warning, SloOutcome.NotMeasured), (verdict.Row, verdict.Severity, verdict.Outcome));
        Assert.NotNull(verdict.Remedy);
    }

    [Theory]
    [InlineData(19, 200)]
    [InlineData(200, 19)]
    public void P2_too_few_writes_make_no_p99(int baseline, int beside)
    {
        var verdict = RehearsalSloJudge.WriterP99Increase(new WriterLatencies(true, Writes(baseline, 1), Writes(beside, 1)), 2);
        Assert.Equal(("P2", FindingSeverity.Warning, SloOutcome.NotMeasured), (verdict.Row, verdict.Severity, verdict.Outcome));
        Assert.Contains($"{baseline} writes in the baseline and {beside} beside the backfill, fewer than {RehearsalSloJudge.MinimumWrites}", verdict.Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void P3_a_p99_grown_past_the_factor_is_an_error_against_the_baseline_measured_just_before()
    {
        // 100 writes: the p99 (nearest rank) is the 99th slowest; 2 slow writes of 100 put it at 40 ms.
        IReadOnlyList<TimeSpan> beside = [.. Writes(98, 2), Ms(40), Ms(900)];
        var verdict = RehearsalSloJudge.WriterP99Increase(new WriterLatencies(true, Writes(100, 4), beside), 2);
        Assert.Equal(("P3", FindingSeverity.Error, SloOutcome.Exceeded, (double?)10), (verdict.Row, verdict.Severity, verdict.Outcome, verdict.Predicted));
        Assert.Contains("writers' p99 40 ms beside the backfill against 4 ms just before it, 100 and 100 writes: 10x, above the slo's writer_p99_increase of 2x", verdict.Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void P3_a_loopback_baseline_under_the_floor_is_taken_as_the_floor()
    {
        var verdict = RehearsalSloJudge.WriterP99Increase(new WriterLatencies(true, Writes(100, 0.2), Writes(100, 3)), 2);
        Assert.Equal(("P3", (double?)3), (verdict.Row, verdict.Measured));
        Assert.Contains("against 0.2 ms just before it (taken as 1 ms)", verdict.Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void P4_within_the_factor_is_recorded_with_it()
    {
        var verdict = RehearsalSloJudge.WriterP99Increase(new WriterLatencies(true, Writes(100, 0.2), Writes(100, 1.5)), 2);
        Assert.Equal(("P4", FindingSeverity.Info, SloOutcome.Within, (double?)1.5), (verdict.Row, verdict.Severity, verdict.Outcome, verdict.Predicted));
        Assert.Contains("within the slo's writer_p99_increase of 2x", verdict.Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void The_report_shows_each_bound_its_figures_and_verdict()
    {
        var report = new RehearsalReport("svc", "staging", [new("0001_x", "abcdef")], DateTimeOffset.UnixEpoch, TimeSpan.FromSeconds(1), 10, 1, [], [])
        {
            Slos =
            [
                new RehearsalSloCheck("0001_x", "add", "longest_write_block", "ms", 50, 20, 400, SloOutcome.Exceeded, "W2", "writers would wait"),
                new RehearsalSloCheck("0001_x", "fill", "writer_p99_increase", "x", 2, 1.25, 1.25, SloOutcome.Within, "P4", "p99"),
                new RehearsalSloCheck("0001_x", "fill", "longest_lock_hold", "ms", 100, null, null, SloOutcome.NotMeasured, "H1", "no batch"),
            ],
        };

        var markdown = RehearsalReportFiles.ToMarkdown(report);
        Assert.Contains("## Plan SLOs at production size", markdown, StringComparison.Ordinal);
        Assert.Contains("| 0001_x | add | longest_write_block | 50 ms | 20 ms | 400 ms | EXCEEDED | W2 |", markdown, StringComparison.Ordinal);
        Assert.Contains("| 0001_x | fill | writer_p99_increase | 2x | 1.25x | 1.25x | within | P4 |", markdown, StringComparison.Ordinal);
        Assert.Contains("| 0001_x | fill | longest_lock_hold | 100 ms | - | - | not measured | H1 |", markdown, StringComparison.Ordinal);
        var html = RehearsalReportFiles.ToHtml(report);
        Assert.Contains("Plan SLOs at production size", html, StringComparison.Ordinal);
        Assert.Contains("EXCEEDED", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Plan SLOs", RehearsalReportFiles.ToMarkdown(report with { Slos = [] }), StringComparison.Ordinal);
    }
}
