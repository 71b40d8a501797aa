using Sluice.Build;

namespace Sluice.Build.Tests;

public sealed class HostTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("sluice-host-").FullName;

    public void Dispose() => Directory.Delete(_folder, true);

    private (BuildHost Host, StringWriter Output) Create(params (string Key, string Value)[] environment)
    {
        var output = new StringWriter();
        var env = environment.ToDictionary(e => e.Key, e => e.Value);
        return (HostDetector.Create(new HostOutput(output, new SecretRegistry(), env)), output);
    }

    [Fact]
    public void The_host_is_detected_from_the_environment()
    {
        Assert.IsType<GitHubActionsHost>(Create(("GITHUB_ACTIONS", "true")).Host);
        Assert.IsType<AzurePipelinesHost>(Create(("TF_BUILD", "True")).Host);
        Assert.IsType<ConsoleHost>(Create().Host);
    }

    [Fact]
    public void GitHub_gets_groups_escaped_annotations_summary_and_outputs()
    {
        var summary = Path.Combine(_folder, "summary.md");
        var outputs = Path.Combine(_folder, "outputs");
        var (host, output) = Create(("GITHUB_ACTIONS", "true"), ("GITHUB_STEP_SUMMARY", summary), ("GITHUB_OUTPUT", outputs));

        using (host.Group("Migrate"))
            host.ReportError("100% failed\nsecond line", "pipelines/a,b:c.sql", 12);
        host.SetOutput("plan-hash", "abc\ndef");
        host.AppendSummary("| a | b |");

        var text = output.ToString();
        Assert.Contains("::group::Migrate", text);
        Assert.Contains("::error file=pipelines/a%2Cb%3Ac.sql,line=12::100%25 failed%0Asecond line", text);
        Assert.Contains("::endgroup::", text);
        Assert.Equal("| a | b |\n", File.ReadAllText(summary));
        var lines = File.ReadAllLines(outputs);
        Assert.StartsWith("plan-hash<<SLUICE_", lines[0]);
        Assert.Equal(["abc", "def"], lines[1..3]);
        Assert.Equal(lines[0]["plan-hash<<".Length..], lines[3]);
    }

    [Fact]
    public void GitHub_step_summary_stops_short_of_the_one_megabyte_limit()
    {
        var summary = Path.Combine(_folder, "big.md");
        File.WriteAllText(summary, new string('x', GitHubActionsHost.SummaryLimitBytes - 10));
        var (host, output) = Create(("GITHUB_ACTIONS", "true"), ("GITHUB_STEP_SUMMARY", summary));
        host.AppendSummary(new string('y', 100));
        Assert.Equal(GitHubActionsHost.SummaryLimitBytes - 10, new FileInfo(summary).Length);
        Assert.Contains("::warning::step summary is near GitHub's 1 MiB limit", output.ToString());
    }

    [Fact]
    public void Azure_gets_logissue_progress_output_variables_summary_and_task_complete()
    {
        var (host, output) = Create(("TF_BUILD", "True"), ("AGENT_TEMPDIRECTORY", _folder));
        using (host.Group("Backfill"))
        {
            host.ReportWarning("slow; lag=5s]", "plan.yaml", 4);
            host.Report(new ProgressReport("backfill customers", 450, 1000, "rows"));
        }
        host.SetOutput("snapshot.id", "snap;1");
        host.RunFinished(new BuildOutcome([new TargetResult("Backfill", TargetStatus.Incomplete, TimeSpan.FromSeconds(3), "budget used")], ExitCode.Incomplete, TimeSpan.FromSeconds(3)));

        var text = output.ToString();
        Assert.Contains("##[group]Backfill", text);
        Assert.Contains("##vso[task.logissue type=warning;sourcepath=plan.yaml;linenumber=4;]slow; lag=5s]", text);
        Assert.Contains("##vso[task.setprogress value=45;]backfill customers", text);
        Assert.Contains("##vso[task.setvariable variable=snapshot.id;isOutput=true]snap;1", text);
        Assert.Contains("##vso[task.uploadsummary]", text);
        Assert.Contains("##vso[task.complete result=SucceededWithIssues;]Sluice incomplete", text);
        var summaryFile = Directory.GetFiles(_folder, "sluice-summary-*.md").Single();
        Assert.Contains("| Backfill | Incomplete | 3.0s | budget used |", File.ReadAllText(summaryFile));
    }

    [Fact]
    public void The_console_prints_a_summary_table_and_throttles_progress_when_not_interactive()
    {
        var time = new ManualTime();
        var output = new StringWriter();
        var host = new ConsoleHost(new HostOutput(output, new SecretRegistry(), new Dictionary<string, string>()), time);
        host.Report(new ProgressReport("backfill", 10, 100, "rows", Rate: 1000, Eta: TimeSpan.FromSeconds(90)));
        host.Report(new ProgressReport("backfill", 20, 100, "rows"));
        time.Advance(TimeSpan.FromSeconds(6));
        host.Report(new ProgressReport("backfill", 80, 100, "rows"));
        host.RunFinished(new BuildOutcome(
            [new TargetResult("Migrate", TargetStatus.Succeeded, TimeSpan.FromSeconds(75)), new TargetResult("Report", TargetStatus.Skipped, TimeSpan.Zero, "--skip")],
            ExitCode.Success, TimeSpan.FromSeconds(76)));

        var text = output.ToString();
        Assert.Contains("progress: backfill · 10/100 rows · 10% · 1,000 rows/s · ETA 1m30s", text);
        Assert.DoesNotContain("20/100", text);
        Assert.Contains("80/100", text);
        Assert.Matches(@"│ Migrate\s+│ Succeeded\s+│\s+1m15s │", text);
        Assert.Matches(@"│ Report\s+│ Skipped\s+│\s+0ms │ --skip", text);
        Assert.Contains("exit code 0", text);
    }

    [Fact]
    public void The_interactive_console_draws_one_live_status_line_and_clears_it_before_log_lines()
    {
        var output = new StringWriter();
        var host = new ConsoleHost(new HostOutput(output, new SecretRegistry(), new Dictionary<string, string>(), interactive: true), new ManualTime());
        host.Report(new ProgressReport("copy", 1, 4, "files"));
        host.Info("a log line");
        var text = output.ToString();
        Assert.Contains("\r\u001b[2Kcopy · 1/4 files · 25%", text);
        Assert.True(text.IndexOf("a log line", StringComparison.Ordinal) > text.IndexOf("copy", StringComparison.Ordinal));
    }

    private sealed class ManualTime : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
        public override DateTimeOffset GetUtcNow() => _now;
        public void Advance(TimeSpan by) => _now += by;
    }
}
