using System.Text;

namespace Sluice.Build;

/// <summary>
/// The behaviour every host shares: levelled log lines, the end-of-run summary table, throttled progress lines,
/// and the secret registry's hook that asks the CI platform to mask each new secret.
/// </summary>
internal abstract class BuildHost : IBuildHost
{
    private readonly TimeProvider _time;
    private readonly Dictionary<string, DateTimeOffset> _lastProgress = new(StringComparer.Ordinal);
    private readonly Lock _progressGate = new();

    protected BuildHost(HostOutput output, TimeProvider? time = null)
    {
        Output = output;
        _time = time ?? TimeProvider.System;
        output.Secrets.Added += MaskSecret;
        foreach (var secret in output.Secrets.Secrets) MaskSecret(secret);
    }

    public abstract string Name { get; }

    public Verbosity Verbosity { get; set; } = Verbosity.Normal;

    protected HostOutput Output { get; }

    protected TextWriter Out => Output.Out;

    /// <summary>How often a progress line may be logged for one activity where no live display exists.</summary>
    protected virtual TimeSpan ProgressInterval => TimeSpan.FromSeconds(5);

    public virtual void Log(LogLevel level, string message)
    {
        if (!ShouldLog(level)) return;
        switch (level)
        {
            case LogLevel.Warning: ReportWarning(message); break;
            case LogLevel.Error: ReportError(message); break;
            default: WriteLine(message); break;
        }
    }

    protected bool ShouldLog(LogLevel level) => level switch
    {
        LogLevel.Debug => Verbosity >= Verbosity.Verbose,
        LogLevel.Info => Verbosity >= Verbosity.Normal,
        LogLevel.Warning => Verbosity >= Verbosity.Minimal,
        _ => true,
    };

    public virtual void ReportError(string message, string? file = null, int? line = null) =>
        WriteLine($"error: {message}{Where(file, line)}");

    public virtual void ReportWarning(string message, string? file = null, int? line = null) =>
        WriteLine($"warning: {message}{Where(file, line)}");

    public abstract IDisposable Group(string title);

    public abstract void AppendSummary(string markdown);

    public abstract void SetOutput(string name, string value);

    public virtual void Report(ProgressReport value)
    {
        var now = _time.GetUtcNow();
        lock (_progressGate)
        {
            var final = value.Total is { } total && value.Done >= total;
            if (!final && _lastProgress.TryGetValue(value.Activity, out var last) && now - last < ProgressInterval) return;
            _lastProgress[value.Activity] = now;
        }
        if (Verbosity >= Verbosity.Normal) WriteLine($"progress: {value.Describe()}");
    }

    public virtual void TargetStarted(string target)
    {
        if (Verbosity >= Verbosity.Minimal) WriteLine($"▶ {target}");
    }

    public virtual void TargetFinished(TargetResult result)
    {
        if (result.Status is TargetStatus.Failed or TargetStatus.TimedOut && result.Error is not null) ReportException(result.Error);
        if (result.Status is TargetStatus.Incomplete && result.Error is BuildException incomplete) ReportIncomplete(incomplete);
    }

    /// <summary>An incomplete target as a warning with the code it raised (SLU043 for a migration's time budget) and
    /// how to continue: not an error, the run exits 4 and the next one picks up from the checkpoint.</summary>
    protected virtual void ReportIncomplete(BuildException incomplete)
    {
        ReportWarning($"{incomplete.Code}: {incomplete.Message}", incomplete.File, incomplete.Line);
        if (incomplete.Remedy is not null) WriteLine($"  remedy: {incomplete.Remedy}");
    }

    /// <summary>An exception as the user should read it: <c>error SLU0xx: what (file:line)</c> and the remedy for
    /// <see cref="BuildException"/>, the type and message otherwise (with the stack trace when verbose).</summary>
    public virtual void ReportException(Exception error)
    {
        if (error is BuildException b)
        {
            ReportError($"{b.Code}: {b.Message}", b.File, b.Line);
            if (b.Remedy is not null) WriteLine($"  remedy: {b.Remedy}");
            return;
        }
        ReportError(ErrorText(error));
        if (Verbosity >= Verbosity.Verbose) WriteLine(error.ToString());
    }

    public virtual void RunFinished(BuildOutcome outcome)
    {
        if (Verbosity >= Verbosity.Minimal) WriteSummaryTable(outcome);
        AppendSummary(SummaryMarkdown(outcome));
    }

    protected virtual void WriteSummaryTable(BuildOutcome outcome)
    {
        var width = Math.Max(6, outcome.Results.Select(r => r.Target.Length).DefaultIfEmpty(6).Max());
        var sb = new StringBuilder();
        sb.AppendLine();
        sb.AppendLine($"{"Target".PadRight(width)}  {"Status",-10}  {"Duration",9}  Note");
        sb.AppendLine(new string('─', width + 35));
        foreach (var r in outcome.Results)
            sb.AppendLine($"{r.Target.PadRight(width)}  {r.Status,-10}  {Durations.Format(r.Duration),9}  {r.Note}");
        sb.AppendLine(new string('─', width + 35));
        sb.AppendLine($"{"Total".PadRight(width)}  {Verdict(outcome),-10}  {Durations.Format(outcome.Duration),9}  exit code {(int)outcome.ExitCode}");
        Out.Write(sb.ToString());
    }

    public static string SummaryMarkdown(BuildOutcome outcome)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"### Sluice: {Verdict(outcome)} (exit code {(int)outcome.ExitCode})");
        sb.AppendLine();
        sb.AppendLine("| Target | Status | Duration | Note |");
        sb.AppendLine("|---|---|---|---|");
        foreach (var r in outcome.Results)
            sb.AppendLine($"| {r.Target} | {r.Status} | {Durations.Format(r.Duration)} | {(r.Note ?? "").Replace("|", "\\|").ReplaceLineEndings(" ")} |");
        return sb.ToString();
    }

    public static string Verdict(BuildOutcome outcome) => outcome.ExitCode switch
    {
        ExitCode.Success => "succeeded",
        ExitCode.Incomplete => "incomplete",
        ExitCode.EnvironmentBusy => "busy",
        ExitCode.UsageError => "usage error",
        _ => "failed",
    };

    /// <summary>Asks the CI platform to hide a secret in its logs. The console needs nothing: redaction already happened.</summary>
    protected virtual void MaskSecret(string secret)
    {
    }

    protected void WriteLine(string text) => Out.WriteLine(text);

    /// <summary>Redacts before a CI host escapes text: escaping would otherwise change a secret past recognition.</summary>
    protected string Redacted(string text) => Output.Secrets.Redact(text);

    protected static string Where(string? file, int? line) => file is null ? "" : line is null ? $" ({file})" : $" ({file}:{line})";

    public static string ErrorText(Exception error) => error switch
    {
        BuildException b => b.Remedy is null ? b.Headline : $"{b.Headline}{Environment.NewLine}  remedy: {b.Remedy}",
        AggregateException { InnerExceptions.Count: 1 } a => ErrorText(a.InnerExceptions[0]),
        _ => $"{error.GetType().Name}: {error.Message}",
    };

    protected sealed class Disposable(Action dispose) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) dispose();
        }
    }
}
