namespace Sluice.Build;

/// <summary>
/// Where a run reports: the console, GitHub Actions or Azure Pipelines. Everything written here passes through
/// the run's secret redaction. Targets reach it as <c>Host</c> on the build; domain code gets an
/// <see cref="IProgress{ProgressReport}"/> and needs nothing else.
/// </summary>
public interface IBuildHost : IProgress<ProgressReport>
{
    string Name { get; }

    Verbosity Verbosity { get; set; }

    void Log(LogLevel level, string message);

    /// <summary>An error tied to a source location when known; CI hosts turn it into an annotation.</summary>
    void ReportError(string message, string? file = null, int? line = null);

    void ReportWarning(string message, string? file = null, int? line = null);

    /// <summary>Reports an exception: a <see cref="BuildException"/> as <c>error SLU0xx: what (file:line)</c> and its remedy.</summary>
    void ReportException(Exception error);

    /// <summary>A collapsible section in CI logs, a heading on the console.</summary>
    IDisposable Group(string title);

    /// <summary>Markdown for the run's summary page (GitHub step summary, Azure build summary, a file on the console).</summary>
    void AppendSummary(string markdown);

    /// <summary>A value later CI steps or jobs can read (GITHUB_OUTPUT, Azure output variables).</summary>
    void SetOutput(string name, string value);

    void TargetStarted(string target);

    void TargetFinished(TargetResult result);

    void RunFinished(BuildOutcome outcome);
}

public static class BuildHostExtensions
{
    public static void Info(this IBuildHost host, string message) => host.Log(LogLevel.Info, message);
    public static void Debug(this IBuildHost host, string message) => host.Log(LogLevel.Debug, message);
    public static void Warning(this IBuildHost host, string message) => host.Log(LogLevel.Warning, message);
    public static void Error(this IBuildHost host, string message) => host.Log(LogLevel.Error, message);
}
