using Sluice.Rehearsal.Runs;
using Sluice.Reports;
using Sluice.Reports.Html;
using Sluice.Reports.Markdown;

namespace Sluice.Tests.Reports;

public sealed class ReportComponentsTests
{
    private const string Hostile = "<script>alert(1)</script> \"quoted\" & 'single'";

    [Theory] // the rows of MarkdownText's rule table
    [InlineData(1, "first\nsecond\r\n\r\nthird", "first; second; third")]
    [InlineData(2, "a<br>b", "a&lt;br&gt;b")]
    [InlineData(3, "x|y", "x\\|y")]
    public void Markdown_cells_follow_the_rules(int rule, string text, string cell)
    {
        Assert.True(rule > 0);
        Assert.Equal(cell, MarkdownText.Cell(text));
    }

    [Theory] // rule 4: code spans
    [InlineData("SELECT 1", "`SELECT 1`")]
    [InlineData("a `b` c", "``a `b` c``")]
    [InlineData("`x", "`` `x ``")]
    [InlineData("WHERE a < b\nAND c", "`WHERE a < b; AND c`")]
    public void Code_spans_are_fenced_longer_than_their_backticks(string text, string span) => Assert.Equal(span, MarkdownText.Code(text));

    [Fact]
    public void A_markdown_table_keeps_its_shape_whatever_its_cells_hold()
    {
        var md = MarkdownTable.Render([new("name"), new("rows", Numeric: true)], [["a|b\n<br>", "1"]]);
        Assert.Equal("| name | rows |\n|---|---:|\n| a\\|b; &lt;br&gt; | 1 |\n", md);
        Assert.Throws<ArgumentException>(() => MarkdownTable.Render([new("one")], [["a", "b"]]));
    }

    [Fact]
    public void Every_text_of_a_page_is_encoded_once_in_titles_tables_and_charts()
    {
        ChartSeries[] series = [new(Hostile, "#000")];
        var page = HtmlPage.Render(Hostile,
        [
            HtmlPage.Section(Hostile, HtmlTable.Render([new(Hostile)], [[HtmlFragment.Text(Hostile)]])),
            TimelineChart.Render(Hostile, series, [new(Hostile, [new(0, TimeSpan.Zero, TimeSpan.FromSeconds(1), Hostile)])], ReportFormat.Duration),
            BarChart.Render(Hostile, series, [new(Hostile, [1.0])], v => Hostile),
        ]);

        Assert.DoesNotContain("<script", page, StringComparison.Ordinal);
        Assert.DoesNotContain("&amp;lt;", page, StringComparison.Ordinal); // not encoded twice
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt; &quot;quoted&quot; &amp; &#39;single&#39;", page, StringComparison.Ordinal);
        Assert.Contains("default-src 'none'", page, StringComparison.Ordinal);
    }

    [Fact]
    public void A_short_span_stays_visible_and_an_empty_one_is_not_drawn()
    {
        ChartSeries[] series = [new("ran", "#111"), new("blocked", "#222")];
        var chart = TimelineChart.Render("t", series,
            [new("p", [new(0, TimeSpan.Zero, TimeSpan.FromHours(1), "long"), new(1, TimeSpan.Zero, TimeSpan.FromMilliseconds(1), "short"), new(1, TimeSpan.Zero, TimeSpan.Zero, "none")])],
            ReportFormat.Duration).Markup;

        Assert.Contains("width=\"2\" height=\"9\" fill=\"#222\"><title>short</title>", chart, StringComparison.Ordinal);
        Assert.DoesNotContain("<title>none</title>", chart, StringComparison.Ordinal);
    }

    [Fact]
    public void A_long_row_label_keeps_its_end_and_shows_whole_on_hover()
    {
        const string label = "0001_split_customer_name / index_last_name";
        var chart = BarChart.Render("b", [new("s", "#000")], [new(label, [1.0])], v => "1").Markup;

        Assert.Contains($"<title>{label}</title>…{label[^28..]}</text>", chart, StringComparison.Ordinal);
    }

    [Fact]
    public void The_rehearsal_markdown_carries_a_finding_with_raw_html_in_it_as_text()
    {
        var report = new RehearsalReport("svc", "staging", [new("0001_x", "abcdef")], DateTimeOffset.UnixEpoch, TimeSpan.FromSeconds(1), 10, 1,
            [new("0001_x", "p|1", "Expand", TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(5), [new("public.t", "ShareLock", TimeSpan.FromMilliseconds(3)), new("public.u", "RowExclusiveLock", TimeSpan.FromMilliseconds(1))], [], TimeSpan.Zero, null, true, true)],
            [new(FindingSeverity.Error, "blocks-writers", "blocks <b>writers</b>\nfor long", "use <CONCURRENTLY>", "0001_x", "p|1", "0001_x/up.sql", 3, "CREATE INDEX i ON t (a)")]);

        var markdown = RehearsalReportFiles.ToMarkdown(report);
        var html = RehearsalReportFiles.ToHtml(report);

        Assert.DoesNotContain("<", markdown.Replace("&lt;", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("| 0001_x | p\\|1 | Expand |", markdown, StringComparison.Ordinal);
        Assert.Contains("ShareLock on public.t (3 ms); RowExclusiveLock on public.u (1 ms)", markdown, StringComparison.Ordinal);
        Assert.Contains("- **error** `blocks-writers` at `0001_x/up.sql:3`: blocks &lt;b&gt;writers&lt;/b&gt;; for long\n", markdown, StringComparison.Ordinal);
        Assert.Contains("  - safe recipe: use &lt;CONCURRENTLY&gt;\n", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>", html, StringComparison.Ordinal);
        Assert.Contains("<strong>Safe recipe: </strong>use &lt;CONCURRENTLY&gt;", html, StringComparison.Ordinal);
        Assert.Contains("<code>0001_x/up.sql:3</code>", html, StringComparison.Ordinal);
    }
}
