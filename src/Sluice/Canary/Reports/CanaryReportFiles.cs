using System.Globalization;
using System.Text;
using Sluice.Canary.Running;
using Sluice.Reports.Html;
using Sluice.Reports.Markdown;
using Sluice.Secrets;

namespace Sluice.Canary.Reports;

/// <summary>
/// A canary's report from its journal record: a self-contained HTML page (inline SVG, no script, nothing fetched) and
/// a Markdown report for a pull request or a CI summary, each with the error rate and the latency of each version at
/// each measurement, every measurement's decision and every judgement with the numbers behind its verdict.
/// </summary>
public static class CanaryReportFiles
{
    private static readonly ChartSeries[] Versions = [new("baseline", "#0969da"), new("canary", "#bf8700")];

    /// <summary>Writes <c>canary-&lt;env&gt;-&lt;id&gt;.{md,html}</c> under <paramref name="folder"/>, secrets redacted; returns the paths.</summary>
    public static async Task<IReadOnlyList<string>> WriteAsync(CanaryRecord canary, string folder, ISecretRedactor redactor, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        var stem = Path.Combine(folder, string.Create(CultureInfo.InvariantCulture, $"canary-{canary.Environment}-{canary.Id}"));
        var paths = new[] { stem + ".md", stem + ".html" };
        await SecretFiles.WriteAllTextAsync(paths[0], ToMarkdown(canary), redactor, cancellationToken);
        await SecretFiles.WriteAllTextAsync(paths[1], ToHtml(canary), redactor, cancellationToken);
        return paths;
    }

    public static string ToHtml(CanaryRecord canary)
    {
        var body = new List<HtmlFragment>
        {
            HtmlFragment.Element("h1", CanaryReportRows.Title(canary)),
            HtmlFragment.Element("p", canary.Reason, canary.Outcome == CanaryOutcome.Promoted ? "passed" : "failed"),
            HtmlFragment.Element("p", Facts(canary), "muted"),
            HtmlPage.Section("Error rate per version", Chart("Error rate (0-1) at each measurement", canary, CanaryReportRows.IsErrorRate, v => v.ToString("0.####", CultureInfo.InvariantCulture))),
            HtmlPage.Section("Latency per version", Chart("Latency (ms) at each measurement", canary, CanaryReportRows.IsLatency, v => v.ToString("0", CultureInfo.InvariantCulture) + " ms")),
            HtmlPage.Section("Measurements", Table(CanaryReportRows.MeasurementColumns, CanaryReportRows.Measurements(canary))),
            HtmlPage.Section("Judgements", Table(CanaryReportRows.JudgementColumns, CanaryReportRows.Judgements(canary))),
        };
        return HtmlPage.Render(CanaryReportRows.Title(canary), body);
    }

    public static string ToMarkdown(CanaryRecord canary)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"# {MarkdownText.Inline(CanaryReportRows.Title(canary))}\n\n{MarkdownText.Inline(canary.Reason)}\n\n{MarkdownText.Inline(Facts(canary))}\n\n");
        foreach (var (heading, metric) in new (string, Func<Analysis.MetricJudgement, bool>)[] { ("Error rate per version", CanaryReportRows.IsErrorRate), ("Latency per version", CanaryReportRows.IsLatency) })
        {
            text.Append(CultureInfo.InvariantCulture, $"## {heading}\n\n");
            text.Append(MarkdownTable.Render([new("measurement"), new("baseline", true), new("canary", true), new("chart")],
                CanaryReportRows.Series(canary, metric).Select(s => (IReadOnlyList<string>)[s.Label, Number(s.Baseline), Number(s.Canary), Bar(s.Baseline, s.Canary)])));
            text.Append('\n');
        }
        text.Append("## Measurements\n\n").Append(MarkdownTable.Render(CanaryReportRows.MeasurementColumns, CanaryReportRows.Measurements(canary))).Append('\n');
        text.Append("## Judgements\n\n").Append(MarkdownTable.Render(CanaryReportRows.JudgementColumns, CanaryReportRows.Judgements(canary)));
        return text.ToString();
    }

    private static string Facts(CanaryRecord c)
    {
        var back = c.BackOnBaselineAfter is { } b
            ? string.Create(CultureInfo.InvariantCulture, $"; traffic back on the baseline {b.TotalMilliseconds:0} ms after the failing verdict") : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"{c.Strategy.ToString().ToLowerInvariant()} started {c.StartedAt:yyyy-MM-dd HH:mm:ss}Z by {c.By}; {c.Measurements.Count} measurement(s){back}{(c.RolledBackDetail is { } d ? $"; rollback: {d}" : "")}");
    }

    private static HtmlFragment Chart(string title, CanaryRecord canary, Func<Analysis.MetricJudgement, bool> metric, Func<double, string> format) =>
        BarChart.Render(title, Versions, [.. CanaryReportRows.Series(canary, metric).Select(s => new BarGroup(s.Label, [s.Baseline, s.Canary]))], format);

    private static HtmlFragment Table(IReadOnlyList<Sluice.Reports.ReportColumn> columns, IEnumerable<IReadOnlyList<string>> rows) =>
        HtmlFragment.Element("div", HtmlTable.Render(columns, rows.Select(r => (IReadOnlyList<HtmlFragment>)[.. r.Select(HtmlFragment.Text)])), "wide");

    private static string Number(double? value) => value is { } v ? v.ToString("0.####", CultureInfo.InvariantCulture) : "-";

    /// <summary>A text bar per version, so the Markdown shows the comparison where no image is allowed.</summary>
    private static string Bar(double? baseline, double? canary)
    {
        var max = Math.Max(baseline ?? 0, canary ?? 0);
        string Of(double? v) => max <= 0 || v is null ? "" : new string('#', (int)Math.Round(v.Value / max * 10));
        return $"v1 `{Of(baseline),-10}` v2 `{Of(canary),-10}`";
    }
}
