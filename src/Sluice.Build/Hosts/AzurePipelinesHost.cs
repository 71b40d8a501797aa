using static Sluice.Build.WorkflowCommandEscaping;

namespace Sluice.Build;

/// <summary>
/// Azure Pipelines: <c>##[group]</c>, <c>##vso[task.logissue]</c>, <c>##vso[task.setprogress]</c>,
/// <c>##vso[task.setsecret]</c>, output variables, a markdown summary uploaded with <c>task.uploadsummary</c>,
/// and <c>##vso[task.complete]</c> at the end.
/// </summary>
internal sealed class AzurePipelinesHost(HostOutput output, TimeProvider? time = null) : BuildHost(output, time)
{
    public override string Name => "azure-pipelines";

    protected override TimeSpan ProgressInterval => TimeSpan.FromSeconds(2);

    public override void ReportError(string message, string? file = null, int? line = null) =>
        WriteLine($"##vso[task.logissue type=error;{Properties(file, line)}]{AzureData(Redacted(message))}");

    public override void ReportWarning(string message, string? file = null, int? line = null) =>
        WriteLine($"##vso[task.logissue type=warning;{Properties(file, line)}]{AzureData(Redacted(message))}");

    public override IDisposable Group(string title)
    {
        WriteLine($"##[group]{AzureData(Redacted(title))}");
        return new Disposable(() => WriteLine("##[endgroup]"));
    }

    public override void Report(ProgressReport value)
    {
        if (value.Fraction is { } fraction)
            WriteLine($"##vso[task.setprogress value={(int)(fraction * 100)};]{AzureData(Redacted(value.Activity))}");
        base.Report(value);
    }

    public override void AppendSummary(string markdown)
    {
        var folder = Output.Environment.GetValueOrDefault("AGENT_TEMPDIRECTORY") is { Length: > 0 } temp ? temp : Path.GetTempPath();
        var path = Path.Combine(folder, $"sluice-summary-{Guid.NewGuid():N}.md");
        Output.AppendToFile(path, markdown);
        WriteLine($"##vso[task.uploadsummary]{path}");
    }

    public override void SetOutput(string name, string value) =>
        WriteLine($"##vso[task.setvariable variable={AzureProperty(Redacted(name))};isOutput=true]{AzureData(Redacted(value))}");

    public override void TargetStarted(string target) => WriteLine($"##[group]{AzureData(Redacted(target))}");

    public override void TargetFinished(TargetResult result)
    {
        WriteLine("##[endgroup]");
        base.TargetFinished(result);
    }

    public override void RunFinished(BuildOutcome outcome)
    {
        base.RunFinished(outcome);
        var result = outcome.ExitCode switch
        {
            ExitCode.Success => "Succeeded",
            ExitCode.Incomplete => "SucceededWithIssues",
            _ => "Failed",
        };
        WriteLine($"##vso[task.complete result={result};]{AzureData(Redacted($"Sluice {Verdict(outcome)}"))}");
    }

    protected override void MaskSecret(string secret)
    {
        Output.Raw.WriteLine($"##vso[task.setsecret]{AzureData(secret)}");
        Output.Raw.Flush();
    }

    private string Properties(string? file, int? line) =>
        file is null ? "" : line is null ? $"sourcepath={AzureProperty(Redacted(file))};" : $"sourcepath={AzureProperty(Redacted(file))};linenumber={line};";
}
