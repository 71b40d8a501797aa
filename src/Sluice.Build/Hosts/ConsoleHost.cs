using Spectre.Console;

namespace Sluice.Build;

/// <summary>
/// A person at a terminal: coloured target headings, a live status line for long work (redrawn in place,
/// cleared before each log line), and a Spectre.Console table at the end. Redirected output gets plain
/// throttled progress lines instead of the live line.
/// </summary>
internal sealed class ConsoleHost : BuildHost
{
    private readonly IAnsiConsole _console;
    private readonly Lock _gate = new();
    private string? _statusLine;

    public ConsoleHost(HostOutput output, TimeProvider? time = null) : base(output, time)
    {
        _console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output.Out),
            Ansi = output.Interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = output.Interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = output.Interactive ? InteractionSupport.Yes : InteractionSupport.No,
        });
        if (!output.Interactive) _console.Profile.Width = 160;
    }

    public override string Name => "console";

    protected override TimeSpan ProgressInterval => Output.Interactive ? TimeSpan.FromMilliseconds(100) : TimeSpan.FromSeconds(5);

    public override void Log(LogLevel level, string message)
    {
        if (!ShouldLog(level)) return;
        lock (_gate)
        {
            ClearStatus();
            switch (level)
            {
                case LogLevel.Error: _console.MarkupLine($"[red]error:[/] {Markup.Escape(message)}"); break;
                case LogLevel.Warning: _console.MarkupLine($"[yellow]warning:[/] {Markup.Escape(message)}"); break;
                case LogLevel.Debug: _console.MarkupLine($"[grey]{Markup.Escape(message)}[/]"); break;
                default: _console.WriteLine(message); break;
            }
            RedrawStatus();
        }
    }

    public override void ReportError(string message, string? file = null, int? line = null) =>
        Log(LogLevel.Error, message + Where(file, line));

    public override void ReportWarning(string message, string? file = null, int? line = null) =>
        Log(LogLevel.Warning, message + Where(file, line));

    public override void ReportException(Exception error)
    {
        if (error is not BuildException b)
        {
            base.ReportException(error);
            return;
        }
        lock (_gate)
        {
            ClearStatus();
            _console.MarkupLine($"[red]error {Markup.Escape(b.Code)}[/]: {Markup.Escape(b.Message + Where(b.File, b.Line))}");
            if (b.Remedy is not null) _console.MarkupLine($"  [grey]remedy:[/] {Markup.Escape(b.Remedy)}");
            RedrawStatus();
        }
    }

    public override IDisposable Group(string title)
    {
        if (Verbosity >= Verbosity.Normal)
        {
            lock (_gate)
            {
                ClearStatus();
                _console.MarkupLine($"[bold]── {Markup.Escape(title)}[/]");
            }
        }
        return new Disposable(() => { });
    }

    public override void Report(ProgressReport value)
    {
        if (!Output.Interactive)
        {
            base.Report(value);
            return;
        }
        lock (_gate)
        {
            _statusLine = value.Describe();
            RedrawStatus();
        }
    }

    public override void TargetStarted(string target)
    {
        if (Verbosity < Verbosity.Minimal) return;
        lock (_gate)
        {
            ClearStatus();
            _statusLine = null;
            _console.MarkupLine($"[bold blue]▶ {Markup.Escape(target)}[/]");
        }
    }

    public override void TargetFinished(TargetResult result)
    {
        lock (_gate)
        {
            ClearStatus();
            _statusLine = null;
        }
        base.TargetFinished(result);
    }

    protected override void WriteSummaryTable(BuildOutcome outcome)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("Target").AddColumn("Status").AddColumn(new TableColumn("Duration").RightAligned()).AddColumn("Note");
        foreach (var r in outcome.Results)
            table.AddRow(Markup.Escape(r.Target), StatusMarkup(r.Status), Durations.Format(r.Duration), Markup.Escape(Redacted(r.Note ?? "")));
        table.AddEmptyRow();
        table.AddRow("[bold]Total[/]", $"[bold]{Verdict(outcome)}[/]", Durations.Format(outcome.Duration), $"exit code {(int)outcome.ExitCode}");
        lock (_gate)
        {
            ClearStatus();
            _console.WriteLine();
            _console.Write(table);
        }
    }

    /// <summary>The console keeps the summary beside the run: <c>.nuke/temp/summary.md</c> when a root is known.</summary>
    public override void AppendSummary(string markdown)
    {
        if (Output.Environment.TryGetValue("SLUICE_SUMMARY_FILE", out var path) && path.Length > 0)
            Output.AppendToFile(path, markdown + Environment.NewLine);
    }

    public override void SetOutput(string name, string value) => Log(LogLevel.Debug, $"output {name} = {value}");

    private static string StatusMarkup(TargetStatus status) => status switch
    {
        TargetStatus.Succeeded => "[green]Succeeded[/]",
        TargetStatus.Skipped => "[grey]Skipped[/]",
        TargetStatus.Incomplete => "[yellow]Incomplete[/]",
        TargetStatus.NotRun => "[grey]NotRun[/]",
        _ => $"[red]{status}[/]",
    };

    private void ClearStatus()
    {
        if (Output.Interactive && _statusLine is not null) Output.Out.Write("\r\u001b[2K");
    }

    private void RedrawStatus()
    {
        if (Output.Interactive && _statusLine is not null)
        {
            var width = Math.Max(20, _console.Profile.Width - 1);
            var line = _statusLine.Length > width ? _statusLine[..width] : _statusLine;
            Output.Out.Write("\r\u001b[2K" + line);
            Output.Out.Flush();
        }
    }
}
