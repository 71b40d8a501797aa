using System.Text.RegularExpressions;
using Npgsql;
using Sluice.Canary;
using Sluice.Canary.Analysis;
using Sluice.Canary.Definition;
using Sluice.Canary.Reports;
using Sluice.Canary.Running;
using Sluice.Postgres.Canary;
using Sluice.Secrets;
using Sluice.Testing.Browser;
using Sluice.Testing.Postgres;

namespace Sluice.Postgres.Tests.Canary;

/// <summary>
/// A canary through journal step 9 and out again: every measurement, judgement and number read back as written, the
/// rollback's outcome recorded, and the report built from what was read opened in headless Chromium and checked as
/// Markdown.
/// </summary>
public sealed partial class CanaryJournalReportTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly DateTimeOffset Start = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private static StepAnalysis Step(int step, int weight, int second, Verdict verdict, double canaryErrors, double canaryP99) =>
        new(step, weight, new MetricWindow(Start.AddSeconds(second), Start.AddSeconds(second + 2)), verdict, $"step {step} {verdict}",
        [
            new("error_rate", "router", "max", canaryErrors > 0.01 ? Verdict.Fail : Verdict.Pass, $"error rate {canaryErrors} against max 0.01", 140, 420, canaryErrors, 0.001, 0.01),
            new("latency", "router", "p99_max", Verdict.Pass, "p99", 140, 420, canaryP99, 80, 500),
            new("latency", "router", "compare", Verdict.Pass, "no shift", 140, 420, 42, 40, null,
                new ComparisonFigures(9800, 0.31, 0.02, false, 1.5, -0.5, 10, 40, 42)),
            new("full_name", "divergence", "parity", verdict == Verdict.Fail ? Verdict.Fail : Verdict.Pass, "2 of 30 rows disagree: 2001, 2002", 30, 0,
                verdict == Verdict.Fail ? 2 : 0, null, 0, DifferingKeys: verdict == Verdict.Fail ? ["2001", "2002"] : null),
        ]);

    private async Task<(CanaryRecord Record, NpgsqlDataSource Pool)> JournaledAsync(Postgres.Databases.EphemeralDatabase database)
    {
        var pool = NpgsqlDataSource.Create(database.ConnectionString);
        var journal = new PostgresCanaryJournal(pool, SecretValues.None);
        await journal.EnsureAsync(Ct);
        var id = await journal.StartAsync(new CanaryContext("staging", "0001_split_customer_name", "runner@host"), CanaryStrategy.Canary, Start, Ct);
        await journal.RecordMeasurementAsync(id, new(Step(1, 25, 0, Verdict.Pass, 0.002, 120), new(CanaryAction.Continue, 7, "passed")), Ct);
        await journal.RecordMeasurementAsync(id, new(Step(2, 50, 2, Verdict.Fail, 0.05, 180), new(CanaryAction.Fail, 1, "failed")), Ct);
        await journal.FinishAsync(id, CanaryOutcome.RolledBack, "step 2 (50 %) failed", Start.AddSeconds(4), TimeSpan.FromMilliseconds(3), Ct);
        await journal.RecordRollbackAsync(id, true, "0001_split_customer_name (4 phase(s))", Ct);
        return (Assert.Single(await journal.ReadAsync(10, Ct)), pool);
    }

    [Fact]
    public async Task A_canary_reads_back_from_the_journal_with_every_number_behind_its_verdicts()
    {
        await using var database = await postgres.CreateDatabaseAsync(Ct);
        var (canary, pool) = await JournaledAsync(database);
        await using var _ = pool;

        Assert.Equal((CanaryOutcome.RolledBack, "0001_split_customer_name", TimeSpan.FromMilliseconds(3)), (canary.Outcome, canary.PlanId, canary.BackOnBaselineAfter));
        Assert.Equal("0001_split_customer_name (4 phase(s))", canary.RolledBackDetail);
        Assert.Equal([(1, 25, CanaryAction.Continue), (2, 50, CanaryAction.Fail)], canary.Measurements.Select(m => (m.Analysis.Step, m.Analysis.Weight, m.Decision.Action)));
        var expected = Step(2, 50, 2, Verdict.Fail, 0.05, 180);
        var read = canary.Measurements[1].Analysis;
        Assert.Equal(expected.Window, read.Window);
        Assert.Equal(expected.Judgements.Select(j => j with { DifferingKeys = null }), read.Judgements.Select(j => j with { DifferingKeys = null }));
        Assert.Equal(["2001", "2002"], read.Judgements.Single(j => j.Check == "parity").DifferingKeys);
        Assert.Contains("1 of 1 rollbacks succeeded", new CanaryStatusReport([canary]).Render(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_report_page_opens_in_a_browser_with_an_error_rate_and_a_latency_chart_per_version_and_nothing_fetched()
    {
        HeadlessChromium.Executable();
        await using var database = await postgres.CreateDatabaseAsync(Ct);
        var (canary, pool) = await JournaledAsync(database);
        await using var _ = pool;
        using var folder = new TempFolder();
        var files = await CanaryReportFiles.WriteAsync(canary, folder.Path, SecretValues.None, Ct);
        var html = files.Single(f => f.EndsWith(".html", StringComparison.Ordinal));

        var artifacts = Path.Combine(AppContext.BaseDirectory, "artifacts");
        Directory.CreateDirectory(artifacts);
        var visit = await HeadlessChromium.VisitAsync(html, Path.Combine(artifacts, "canary-report.png"), Ct);

        Assert.Empty(visit.Errors);
        Assert.All(visit.Requests, url => Assert.StartsWith("file://", url, StringComparison.Ordinal));
        Assert.Equal(2, visit.Svgs.Count);
        Assert.All(visit.Svgs, svg => Assert.True(svg.Width > 100 && svg.Height > 40 && svg.VisibleMarks >= 4, svg.ToString()));
        Assert.Equal(2 + 8, visit.TableRows); // two measurements, eight judgements
        Assert.Contains("keys 2001, 2002", visit.Text, StringComparison.Ordinal);
        Assert.Contains("rolled back", visit.Text, StringComparison.Ordinal);

        var markdown = await File.ReadAllTextAsync(files.Single(f => f.EndsWith(".md", StringComparison.Ordinal)), Ct);
        Assert.DoesNotMatch(RawTag(), markdown);
        Assert.Contains("\n## Error rate per version\n", markdown, StringComparison.Ordinal);
        Assert.Contains("| #2 step 2 (50 %) | 0.001 | 0.05 |", markdown, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"<[A-Za-z!/?]")]
    private static partial Regex RawTag();
}
