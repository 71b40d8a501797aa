using System.Text;
using static Sluice.Build.WorkflowCommandEscaping;

namespace Sluice.Build;

/// <summary>
/// GitHub Actions: <c>::group::</c>, <c>::error file=,line=::</c> annotations, <c>::add-mask::</c> for secrets,
/// the job summary in <c>$GITHUB_STEP_SUMMARY</c> (capped at 1 MiB per step) and outputs in <c>$GITHUB_OUTPUT</c>.
/// </summary>
internal sealed class GitHubActionsHost(HostOutput output, TimeProvider? time = null) : BuildHost(output, time)
{
    /// <summary>GitHub rejects a step summary over 1 MiB; Sluice stops appending a little before that.</summary>
    public const int SummaryLimitBytes = 1024 * 1024 - 4096;

    public override string Name => "github-actions";

    public override void ReportError(string message, string? file = null, int? line = null) =>
        WriteLine($"::error{Properties(file, line)}::{GitHubData(Redacted(message))}");

    public override void ReportWarning(string message, string? file = null, int? line = null) =>
        WriteLine($"::warning{Properties(file, line)}::{GitHubData(Redacted(message))}");

    public override IDisposable Group(string title)
    {
        WriteLine($"::group::{GitHubData(Redacted(title))}");
        return new Disposable(() => WriteLine("::endgroup::"));
    }

    public override void AppendSummary(string markdown)
    {
        if (!Output.Environment.TryGetValue("GITHUB_STEP_SUMMARY", out var path) || path.Length == 0) return;
        var existing = File.Exists(path) ? new FileInfo(path).Length : 0;
        var bytes = Encoding.UTF8.GetByteCount(markdown);
        if (existing + bytes > SummaryLimitBytes)
        {
            ReportWarning($"step summary is near GitHub's 1 MiB limit; {bytes} bytes were not added");
            return;
        }
        Output.AppendToFile(path, markdown + "\n");
    }

    public override void SetOutput(string name, string value)
    {
        if (!Output.Environment.TryGetValue("GITHUB_OUTPUT", out var path) || path.Length == 0) return;
        // The heredoc form carries any value, newlines included; the delimiter cannot occur in it.
        var delimiter = "SLUICE_" + Guid.NewGuid().ToString("N");
        Output.AppendToFile(path, $"{name}<<{delimiter}\n{value}\n{delimiter}\n");
    }

    public override void TargetStarted(string target) => WriteLine($"::group::{GitHubData(Redacted(target))}");

    public override void TargetFinished(TargetResult result)
    {
        WriteLine("::endgroup::");
        base.TargetFinished(result);
    }

    protected override void MaskSecret(string secret)
    {
        // Each line of a multi-line secret is masked on its own, as GitHub matches line by line.
        foreach (var line in secret.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            Output.Raw.WriteLine($"::add-mask::{GitHubData(line)}");
        Output.Raw.Flush();
    }

    private string Properties(string? file, int? line)
    {
        if (file is null) return "";
        return line is null ? $" file={GitHubProperty(Redacted(file))}" : $" file={GitHubProperty(Redacted(file))},line={line}";
    }
}
