using Sluice.Errors;
using Sluice.Migrations.Plans;
using Sluice.Rehearsal.Runs;
using Sluice.Rehearsal.Slo;
using Sluice.Testing.Postgres;

namespace Sluice.Postgres.Tests.Rehearsal;

/// <summary>
/// A plan's <c>slo:</c> checked by rehearsal at production size (issue 20): the backfill-with-trigger fixture's plan
/// under a tight block, with a phase that holds its exclusive lock and batches that hold their row locks for 300 ms
/// each (a sleep: it can only take longer on a busy machine), fails with a finding per bound at the block's line;
/// under generous bounds the same plan passes and the report shows every bound with its figures.
/// </summary>
public sealed class RehearsalSloTests(PostgresFixture postgres)
{
    private const string Phases = """
        phases:
          - name: add_word
            kind: expand
            up: add.up.sql
            down: add.down.sql
            lock_timeout: 100ms
          - name: backfill_word
            kind: backfill
            lock_timeout: 100ms
            backfill:
              table: items
              key: id
              batch: backfill.batch.sql
              target_batch_time: 50ms
              max_batch_size: {0}
        """;

    [Fact]
    public async Task A_plan_whose_slo_is_exceeded_at_production_size_fails_its_rehearsal_at_the_slo_block()
    {
        var ct = TestContext.Current.CancellationToken;
        using var scratch = new TempFolder("sluice-slo");
        var plan = Plan(scratch.Path, "  longest_lock_hold: 100ms\n  writer_p99_increase: 1.5x\n  longest_write_block: 100ms\n", maxBatchSize: 2500);
        // The expand holds the ACCESS EXCLUSIVE lock its ALTER TABLE took for 300 ms more; every batch holds the row
        // locks it took for 300 ms before it commits, whatever its size.
        File.AppendAllText(Path.Combine(plan, "add.up.sql"), "\nSELECT pg_sleep(0.3);\n");
        File.WriteAllText(Path.Combine(plan, "backfill.batch.sql"), """
            WITH done AS (
                UPDATE items SET word = split_part(name, ' ', 1) || ':' || coalesce(qty, -1)
                WHERE id > @lower AND id <= @upper AND word IS DISTINCT FROM split_part(name, ' ', 1) || ':' || coalesce(qty, -1)
                RETURNING 1)
            SELECT count(*), pg_sleep(0.3) FROM done;
            """);
        var line = ServicePlans.LoadMigrations(Path.GetDirectoryName(plan)!).Single().Slo!.Line;

        var report = await FixtureRehearsal.RehearseAsync(postgres, Path.GetDirectoryName(Path.GetDirectoryName(plan))!, ct);

        var markdown = RehearsalReportFiles.ToMarkdown(report);
        TestContext.Current.TestOutputHelper?.WriteLine(markdown);
        Assert.False(report.Passed);
        var block = Breach(report, "slo-longest-write-block", "add_word", ErrorCodes.RehearsalWriteBlockExceeded, line);
        Assert.Contains("above the slo's longest_write_block of 100 ms: AccessExclusiveLock on public.items from add.up.sql:1 to the commit", block.Message, StringComparison.Ordinal);
        var batchBlock = Breach(report, "slo-longest-write-block", "backfill_word", ErrorCodes.RehearsalWriteBlockExceeded, line);
        Assert.Contains("the row locks of production's batch of 100 rows", batchBlock.Message, StringComparison.Ordinal);
        var hold = Breach(report, "slo-longest-lock-hold", "backfill_word", ErrorCodes.RehearsalLockHoldExceeded, line);
        Assert.Contains("production's batch of 100 rows would hold its locks for", hold.Message, StringComparison.Ordinal);
        Assert.Contains("above the slo's longest_lock_hold of 100 ms", hold.Message, StringComparison.Ordinal);
        var p99 = Breach(report, "slo-writer-p99-increase", "backfill_word", ErrorCodes.RehearsalWriterP99Exceeded, line);
        Assert.Contains("above the slo's writer_p99_increase of 1.5x", p99.Message, StringComparison.Ordinal);

        Assert.All(report.Slos, c => Assert.Equal(SloOutcome.Exceeded, c.Outcome));
        Assert.Equal(["add_word/longest_write_block", "backfill_word/longest_write_block", "backfill_word/longest_lock_hold", "backfill_word/writer_p99_increase"],
            report.Slos.Select(c => $"{c.Phase}/{c.Slo}"));
        // The sleeps alone put every predicted figure past its bound: at least 300 ms, and a writer's p99 a write that waited for a batch.
        Assert.All(report.Slos.Where(c => c.Unit == "ms"), c => Assert.True(c.Predicted >= 300, $"{c.Phase} {c.Slo}: {c.Predicted} ms predicted"));
        Assert.Contains("| 0001_split_name | add_word | longest_write_block | 100 ms |", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_plan_within_generous_bounds_passes_and_its_report_shows_each_bound_predicted_and_judged()
    {
        var ct = TestContext.Current.CancellationToken;
        using var scratch = new TempFolder("sluice-slo");
        var plan = Plan(scratch.Path, "  longest_lock_hold: 30s\n  writer_p99_increase: 1000x\n  longest_write_block: 30s\n", maxBatchSize: 1000);
        var line = ServicePlans.LoadMigrations(Path.GetDirectoryName(plan)!).Single().Slo!.Line;

        var report = await FixtureRehearsal.RehearseAsync(postgres, Path.GetDirectoryName(Path.GetDirectoryName(plan))!, ct);

        TestContext.Current.TestOutputHelper?.WriteLine(RehearsalReportFiles.ToMarkdown(report));
        Assert.True(report.Passed, RehearsalReportFiles.ToMarkdown(report));
        Assert.Equal(4, report.Slos.Count);
        Assert.All(report.Slos, c =>
        {
            Assert.Equal(SloOutcome.Within, c.Outcome);
            Assert.NotNull(c.Measured);
            Assert.True(c.Predicted < c.Bound, $"{c.Phase} {c.Slo}: {c.Predicted} against {c.Bound}");
        });
        Assert.Equal(["W3", "W3", "H3", "P4"], report.Slos.Select(c => c.Rule));
        // Within is recorded too: an info finding per bound at the slo block, with the figures.
        var within = report.Findings.Where(f => f.Rule.StartsWith("slo-", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, within.Count);
        Assert.All(within, f => Assert.Equal((FindingSeverity.Info, "0001_split_name/plan.yaml", (int?)line, (string?)null), (f.Severity, f.File, f.Line, f.Code)));
        Assert.Contains(within, f => f.Message.StartsWith("backfill_word: writers' p99 ", StringComparison.Ordinal) && f.Message.Contains("within the slo's writer_p99_increase of 1000x", StringComparison.Ordinal));

        var markdown = RehearsalReportFiles.ToMarkdown(report);
        Assert.Contains("## Plan SLOs at production size", markdown, StringComparison.Ordinal);
        Assert.Matches(@"\| 0001_split_name \| backfill_word \| longest_lock_hold \| 30\.0 s \| \d+ ms \| \d+ ms \| within \| H3 \|", markdown);
        Assert.Matches(@"\| 0001_split_name \| backfill_word \| writer_p99_increase \| 1000x \| [\d.]+x \| [\d.]+x \| within \| P4 \|", markdown);
        Assert.Contains("Plan SLOs at production size", RehearsalReportFiles.ToHtml(report), StringComparison.Ordinal);
    }

    private static RehearsalFinding Breach(RehearsalReport report, string rule, string phase, string code, int line)
    {
        var finding = Assert.Single(report.Findings, f => f.Rule == rule && f.Phase == phase);
        Assert.True(finding.Severity == FindingSeverity.Error, $"{rule} in {phase}: {finding.Message}");
        Assert.Equal((FindingSeverity.Error, "0001_split_name/plan.yaml", (int?)line, code), (finding.Severity, finding.File, finding.Line, finding.Code));
        Assert.NotNull(finding.Remedy);
        return finding;
    }

    /// <summary>The backfill-with-trigger fixture's plan under <paramref name="slo"/>, in a service folder of its own; returns the plan's folder.</summary>
    private static string Plan(string scratch, string slo, int maxBatchSize)
    {
        var migrations = Path.Combine(scratch, "items", "migrations");
        FixtureRehearsal.Copy(Path.Combine(FixtureRehearsal.Folder("backfill-with-trigger"), "migrations"), migrations);
        var plan = Path.Combine(migrations, "0001_split_name");
        File.WriteAllText(Path.Combine(plan, "plan.yaml"), $"""
            id: 0001_split_name
            owner: team-fixtures
            risk: low
            description: adds items.word (the first word of name) and backfills it, under an slo
            max_partial_state: 1h
            slo:
            {slo}{string.Format(System.Globalization.CultureInfo.InvariantCulture, Phases, maxBatchSize)}
            """);
        return plan;
    }
}
