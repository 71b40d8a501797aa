using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Sluice.Secrets;

namespace Sluice.Rehearsal.Runs;

/// <summary>Writes a rehearsal report as JSON (for machines and gates), Markdown (for a pull request) and a self-contained HTML page.</summary>
public static class RehearsalReportFiles
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>Writes <c>rehearsal-&lt;service&gt;-&lt;env&gt;.{json,md,html}</c> under <paramref name="folder"/>, with the
    /// run's secrets redacted; returns the paths.</summary>
    public static async Task<IReadOnlyList<string>> WriteAsync(RehearsalReport report, string folder, ISecretRedactor redactor, CancellationToken cancellationToken)
    {
        var stem = Path.Combine(folder, $"rehearsal-{report.Service}-{report.Environment}");
        var paths = new[] { stem + ".json", stem + ".md", stem + ".html" };
        await SecretFiles.WriteAllTextAsync(paths[0], ToJson(report) + "\n", redactor, cancellationToken);
        await SecretFiles.WriteAllTextAsync(paths[1], ToMarkdown(report), redactor, cancellationToken);
        await SecretFiles.WriteAllTextAsync(paths[2], ToHtml(report), redactor, cancellationToken);
        return paths;
    }

    public static string ToJson(RehearsalReport report) => JsonSerializer.Serialize(new { report.Passed, Report = report }, Json);

    public static string ToMarkdown(RehearsalReport report)
    {
        var md = new StringBuilder();
        md.Append(CultureInfo.InvariantCulture, $"# Rehearsal of {report.Service} for {report.Environment}: {(report.Passed ? "passed" : "FAILED")}\n\n");
        md.Append(CultureInfo.InvariantCulture, $"{report.StartedAt:yyyy-MM-dd HH:mm:ss} UTC, {report.Elapsed.TotalSeconds:F1} s, {report.SyntheticRows:N0} synthetic rows (scale {report.Scale:0.####} of the profile; durations below are extrapolated by 1/scale).\n\n");
        if (report.Seeds is { Count: > 0 } seeds)
            md.Append(CultureInfo.InvariantCulture, $"Workload seeds: {string.Join(", ", seeds)} (replay one with --workload-seed N).\n\n");
        foreach (var plan in report.Plans) md.Append(CultureInfo.InvariantCulture, $"- plan `{plan.Id}` hash `{plan.Hash[..Math.Min(12, plan.Hash.Length)]}`\n");
        md.Append("\n## Phases\n\n| plan | phase | kind | time here | predicted | locks (longest hold) | rewrites | workload blocked | verify | idempotent | reversible | forward again |\n|---|---|---|---:|---:|---|---|---:|---|---|---|---|\n");
        foreach (var p in report.Phases)
        {
            var locks = p.Locks.Count == 0 ? "-" : string.Join("<br>", p.Locks.Select(l => $"{l.Mode} on {l.Table} ({Ms(l.Held)})"));
            md.Append(CultureInfo.InvariantCulture, $"| {p.Plan} | {p.Phase} | {p.Kind} | {Ms(p.Duration)} | {Ms(p.PredictedDuration)} | {locks} | {(p.RewrittenTables.Count == 0 ? "-" : string.Join(", ", p.RewrittenTables))} | {Ms(p.WorkloadBlocked)} | {Mark(p.Verified)} | {Mark(p.Idempotent)} | {Mark(p.Reversible)} | {Mark(p.ForwardAgain)} |\n");
        }
        md.Append("\n## Findings\n\n");
        if (report.Findings.Count == 0) md.Append("None.\n");
        foreach (var f in report.Findings.OrderByDescending(f => f.Severity))
        {
            md.Append(CultureInfo.InvariantCulture, $"- **{f.Severity.ToString().ToLowerInvariant()}** `{f.Rule}`{(f.Where.Length > 0 ? $" at `{f.Where}`" : "")}{(f.Seed is { } seed ? $" (seed {seed})" : "")}: {f.Message}\n");
            if (f.Statement is not null) md.Append(CultureInfo.InvariantCulture, $"  - statement: `{f.Statement}`\n");
            if (f.Remedy is not null) md.Append(CultureInfo.InvariantCulture, $"  - safe recipe: {f.Remedy}\n");
        }
        return md.ToString();
    }

    public static string ToHtml(RehearsalReport report)
    {
        var body = WebUtility.HtmlEncode(ToMarkdown(report));
        return $"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Rehearsal of {WebUtility.HtmlEncode(report.Service)} for {WebUtility.HtmlEncode(report.Environment)}</title>
            <style>body{"{"}font-family:system-ui,sans-serif;margin:2em;{"}"} pre{"{"}white-space:pre-wrap;{"}"} .failed{"{"}color:#b00;{"}"} .passed{"{"}color:#070;{"}"}</style></head>
            <body><h1 class="{(report.Passed ? "passed" : "failed")}">{(report.Passed ? "Passed" : "Failed")}</h1><pre>{body}</pre></body></html>

            """;
    }

    private static string Ms(TimeSpan t) => t.TotalSeconds >= 10 ? $"{t.TotalSeconds:F1} s" : $"{t.TotalMilliseconds:F0} ms";

    private static string Mark(bool? value) => value switch { true => "yes", false => "**no**", null => "-" };
}
