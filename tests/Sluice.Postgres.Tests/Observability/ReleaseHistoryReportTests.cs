using System.Text.RegularExpressions;
using Sluice.Errors;
using Sluice.Postgres.Releases;
using Sluice.Postgres.Tests.Migrations;
using Sluice.Postgres.Tests.Releases;
using Sluice.Reports.History;
using Sluice.Secrets;
using Sluice.Testing.Browser;
using Sluice.Testing.Postgres;

namespace Sluice.Postgres.Tests.Observability;

/// <summary>
/// The release history drawn from a real journal after a failed Promote (rolled back automatically): its figures, opened in headless Chromium (charts laid out, nothing fetched, no console error, a
/// screenshot kept as an artifact), and its Markdown as GitHub renders it.
/// </summary>
public sealed partial class ReleaseHistoryReportTests(PostgresFixture postgres)
{
    private const string PlanId = "0001_split_customer_name";

    private async Task<ReleaseHistory> HistoryAfterAFailedPromoteAsync(CancellationToken ct)
    {
        await using var database = await ShopDatabase.CreateAsync(postgres, ct);
        using var plans = PlanCopy.Sample();
        var contract = Path.Combine(plans.SampleFolder, "05_drop_full_name.up.sql");
        File.AppendAllText(contract, "\nSELECT 1 / 0;\n");
        await using var release = new PostgresReleaseDatabase(database.ConnectionString);
        await Assert.ThrowsAsync<SluiceException>(() => release.Service().PromoteAsync(ReleaseFixtures.Promote(release, plans), null, ct));
        return await ReleaseHistory.ReadAsync("local", release.Migrations.Providers.Journal, release.Journal, TimeProvider.System, ct);
    }

    [Fact]
    public async Task The_release_history_page_of_a_real_journal_passes_the_browser_check()
    {
        var ct = TestContext.Current.CancellationToken;
        HeadlessChromium.Executable();
        var history = await HistoryAfterAFailedPromoteAsync(ct);

        var rollback = Assert.Single(history.Rollbacks);
        Assert.Equal(1.0, history.RollbackSuccessRate);
        Assert.Equal(rollback.Duration, history.TimeToRestore);
        Assert.NotEmpty(history.Gates);
        using var folder = new TempFolder();
        var html = (await ReleaseHistoryFiles.WriteAsync(history, folder.Path, SecretValues.None, ct)).Single(p => p.EndsWith(".html", StringComparison.Ordinal));
        var visit = await HeadlessChromium.VisitKeptAsync(html, "release-history.png", ct);

        Assert.Empty(visit.Errors);
        Assert.All(visit.Requests, url => Assert.StartsWith("file://", url, StringComparison.Ordinal));
        // The last release's timeline and the time half-migrated per plan, laid out with visible marks.
        Assert.Equal(2, visit.Svgs.Count);
        Assert.All(visit.Svgs, svg => Assert.True(svg.Width > 100 && svg.Height > 40 && svg.VisibleMarks > 3, svg.ToString()));
        Assert.Contains("rollback success rate", visit.Text, StringComparison.Ordinal);
        Assert.Contains("100 %", visit.Text, StringComparison.Ordinal);
        Assert.Contains("division by zero", visit.Text, StringComparison.Ordinal);
        Assert.Contains("No canary steps or drills are recorded", visit.Text, StringComparison.Ordinal);
        var png = await File.ReadAllBytesAsync(visit.Screenshot, ct);
        Assert.True(png.Length > 10_000 && png[1] == (byte)'P', $"{png.Length} bytes");
    }

    [Fact]
    public async Task The_release_history_markdown_renders_on_github_headings_and_tables_without_raw_html()
    {
        var ct = TestContext.Current.CancellationToken;
        var history = await HistoryAfterAFailedPromoteAsync(ct);

        var markdown = ReleaseHistoryMarkdown.Render(history);

        Assert.DoesNotMatch(RawTag(), markdown);
        foreach (var heading in new[] { "## Summary", $"## Last release: {PlanId}", "## Plans", "## Rollbacks", "## Gates" })
            Assert.Contains($"\n{heading}\n", markdown, StringComparison.Ordinal);
        // Every table line has as many cells as its header: no cell broke its table.
        foreach (var table in Regex.Split(markdown, "\n\n").Where(b => b.StartsWith('|')))
        {
            var lines = table.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.All(lines, l => Assert.Equal(UnescapedPipe().Matches(lines[0]).Count, UnescapedPipe().Matches(l).Count));
        }
    }

    [GeneratedRegex("<[a-zA-Z/][^>]*>")]
    private static partial Regex RawTag();

    [GeneratedRegex(@"(?<!\\)\|")]
    private static partial Regex UnescapedPipe();
}
