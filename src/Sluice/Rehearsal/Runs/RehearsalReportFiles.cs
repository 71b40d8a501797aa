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

    /// <summary>For a step summary or a pull-request comment: renders on GitHub, no raw HTML.</summary>
    public static string ToMarkdown(RehearsalReport report) => RehearsalReportMarkdown.Render(report);

    /// <summary>A self-contained page (inline CSS and SVG charts, nothing fetched).</summary>
    public static string ToHtml(RehearsalReport report) => RehearsalReportPage.Render(report);
}
