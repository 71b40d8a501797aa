using System.Text.RegularExpressions;
using Sluice.Rehearsal.Runs;
using Sluice.Reports.Html;
using Sluice.Secrets;
using Sluice.Testing.Browser;
using Sluice.Testing.Postgres;

namespace Sluice.Postgres.Tests.Rehearsal;

/// <summary>The rehearsal report of a real rehearsal, as a person sees it: opened in headless Chromium, and on GitHub.</summary>
public sealed partial class RehearsalReportPageTests(PostgresFixture postgres)
{
    [Fact]
    public async Task The_report_of_a_blocking_index_opens_in_a_browser_with_its_charts_findings_and_nothing_fetched()
    {
        var ct = TestContext.Current.CancellationToken;
        HeadlessChromium.Executable(); // a missing browser fails here, with the command that installs it, before the rehearsal's minute
        var report = await FixtureRehearsal.RehearseAsync(postgres, FixtureRehearsal.Folder("index-blocking"), ct);
        var finding = Assert.Single(report.Findings, f => f.Rule == "blocks-writers");
        Assert.NotNull(finding.Remedy);
        using var folder = new TempFolder();
        var html = (await RehearsalReportFiles.WriteAsync(report, folder.Path, SecretValues.None, ct)).Single(p => p.EndsWith(".html", StringComparison.Ordinal));

        var visit = await HeadlessChromium.VisitKeptAsync(html, "rehearsal-report.png", ct);

        Assert.Empty(visit.Errors);
        Assert.All(visit.Requests, url => Assert.StartsWith("file://", url, StringComparison.Ordinal));
        // Two charts (the lock timeline, predicted against measured), laid out and with visible marks.
        Assert.Equal(2, visit.Svgs.Count);
        Assert.All(visit.Svgs, svg => Assert.True(svg.Width > 100 && svg.Height > 40 && svg.VisibleMarks > 5, svg.ToString()));
        Assert.Equal(report.Phases.Count, visit.TableRows);
        Assert.Contains($"{finding.File}:{finding.Line}", visit.Text, StringComparison.Ordinal);
        Assert.Contains($"Safe recipe: {finding.Remedy}", visit.Text, StringComparison.Ordinal);
        Assert.Contains("ShareLock on public.items", visit.Text, StringComparison.Ordinal);
        var png = await File.ReadAllBytesAsync(visit.Screenshot, ct);
        Assert.True(png.Length > 10_000 && png[1] == (byte)'P' && png[2] == (byte)'N' && png[3] == (byte)'G', $"{png.Length} bytes");
    }

    [Fact]
    public async Task The_markdown_of_a_real_rehearsal_renders_on_github_headings_and_tables_without_raw_html()
    {
        var ct = TestContext.Current.CancellationToken;
        var report = await FixtureRehearsal.RehearseAsync(postgres, FixtureRehearsal.Folder("index-blocking"), ct);
        var markdown = RehearsalReportFiles.ToMarkdown(report);

        Assert.DoesNotMatch(RawTag(), markdown);
        Assert.Contains("\n## Phases\n", markdown, StringComparison.Ordinal);
        Assert.Contains("\n## Findings\n", markdown, StringComparison.Ordinal);
        // Every table line has the header's number of cells: no cell broke the table.
        var table = markdown.Split('\n').Where(l => l.StartsWith('|')).ToList();
        Assert.Equal(report.Phases.Count + 2, table.Count);
        Assert.All(table, l => Assert.Equal(13, UnescapedPipe().Matches(l).Count));
        Assert.Contains("ShareLock on public.items", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_browser_check_sees_a_fetch_a_console_error_and_a_blocked_request()
    {
        var ct = TestContext.Current.CancellationToken;
        using var folder = new TempFolder();
        const string body = """<img src="http://127.0.0.1:9/x.png"><script>console.error("boom")</script>""";
        var open = Path.Combine(folder.Path, "open.html");
        var locked = Path.Combine(folder.Path, "locked.html");
        await File.WriteAllTextAsync(open, $"<!doctype html><html><head><title>t</title></head><body>{body}</body></html>", ct);
        await File.WriteAllTextAsync(locked, HtmlPage.Render("t", []).Replace("</body>", body + "</body>", StringComparison.Ordinal), ct);

        var visit = await HeadlessChromium.VisitAsync(open, Path.Combine(folder.Path, "open.png"), ct);
        Assert.Contains("http://127.0.0.1:9/x.png", visit.Requests);
        Assert.Contains(visit.Errors, e => e.Contains("boom", StringComparison.Ordinal));

        // The report pages' policy refuses both, and the refusal is an error the report tests would see.
        var refused = await HeadlessChromium.VisitAsync(locked, Path.Combine(folder.Path, "locked.png"), ct);
        Assert.DoesNotContain(refused.Errors, e => e.Contains("boom", StringComparison.Ordinal));
        Assert.Contains(refused.Errors, e => e.Contains("Content Security Policy", StringComparison.Ordinal));
    }

    [GeneratedRegex(@"<[A-Za-z!/?]")]
    private static partial Regex RawTag();

    [GeneratedRegex(@"(?<!\\)\|")]
    private static partial Regex UnescapedPipe();
}
