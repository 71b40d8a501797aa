using System.Diagnostics;
using Sluice.Observability;
using Sluice.Observability.Monitoring;

namespace Repository.Tests;

/// <summary>
/// The committed alert rules and dashboard are what the catalog generates, the rules pass promtool's checks and unit
/// tests (<c>monitoring/tests/sluice-alerts.test.yml</c>: one firing and one quiet case per alert), and the docs
/// describe every instrument and alert.
/// </summary>
public sealed class MonitoringFilesTests
{
    private const string PromtoolTests = "monitoring/tests/sluice-alerts.test.yml";

    [Fact]
    public void The_committed_monitoring_files_are_what_the_build_generates()
    {
        foreach (var (path, content) in MonitoringFiles.Generate())
        {
            var full = Path.Combine(RepositoryRoot.Path, path);
            Assert.True(File.Exists(full), $"{path} is missing: run ./build.sh GenerateMonitoring and commit the result.");
            Assert.True(File.ReadAllText(full).ReplaceLineEndings("\n") == content, $"{path} is stale: run ./build.sh GenerateMonitoring and commit the result.");
        }
    }

    [Fact]
    public void Promtool_check_rules_accepts_the_generated_rules()
    {
        var (exitCode, output) = Promtool("check", "rules", MonitoringFiles.AlertRulesPath);
        Assert.True(exitCode == 0, output);
        Assert.Contains($"SUCCESS: {SluiceAlerts.Rules.Count} rules found", output);
    }

    /// <summary>Grafana sends the panels' queries to Prometheus with the variables filled in; each must parse.</summary>
    [Fact]
    public void Every_dashboard_query_is_valid_PromQL()
    {
        // Each query as an alerting rule (promtool parses its expression), with Grafana's variables as Grafana fills them.
        var queries = SluiceDashboard.Dashboard.Panels.SelectMany(p => p.Targets.Select(t => new AlertingRule($"DashboardPanel{p.Id}{t.RefId}",
            t.Expr.Replace("$__rate_interval", "5m").Replace("$environment", ".*").Replace("$plan", ".*").Replace("$service", ".*"),
            "0m", new Dictionary<string, string>(), new Dictionary<string, string>()))).ToList();
        var rules = new PrometheusRuleFile([new PrometheusRuleGroup("dashboard", queries)]).ToYaml("the dashboard's queries");
        var file = Path.Combine(Path.GetTempPath(), $"sluice-dashboard-queries-{Guid.NewGuid():N}.yml");
        File.WriteAllText(file, rules);
        try
        {
            var (exitCode, output) = Promtool("check", "rules", file);
            Assert.True(exitCode == 0, output + "\n" + rules);
            Assert.Contains($"SUCCESS: {queries.Count} rules found", output);
        }
        finally { File.Delete(file); }
    }

    [Fact]
    public void Promtool_unit_tests_of_every_alert_pass()
    {
        var (exitCode, output) = Promtool("test", "rules", PromtoolTests);
        Assert.True(exitCode == 0, output);
        Assert.Contains("SUCCESS", output);
    }

    [Fact]
    public void Every_alert_has_a_promtool_test_where_it_fires_and_one_where_it_stays_quiet()
    {
        var tests = File.ReadAllText(Path.Combine(RepositoryRoot.Path, PromtoolTests));
        foreach (var rule in SluiceAlerts.Rules)
        {
            Assert.Contains($"# {rule.Alert} fires", tests);
            Assert.Contains($"# {rule.Alert} quiet", tests);
        }
    }

    [Fact]
    public void The_observability_doc_describes_every_instrument_and_every_alert()
    {
        var doc = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "docs", "observability.md"));
        foreach (var metric in SluiceInstruments.Catalog)
        {
            Assert.True(doc.Contains($"`{metric.PrometheusName}`"), $"docs/observability.md does not list {metric.PrometheusName}");
            Assert.True(doc.Contains($"`{metric.Name}`"), $"docs/observability.md does not list {metric.Name}");
        }
        foreach (var rule in SluiceAlerts.Rules)
            Assert.True(doc.Contains($"`{rule.Alert}`"), $"docs/observability.md does not describe the alert {rule.Alert}");
    }

    /// <summary>promtool from Debian's <c>prometheus</c> package; missing, the test fails with how to install it.</summary>
    private static (int ExitCode, string Output) Promtool(params string[] arguments)
    {
        var start = new ProcessStartInfo("promtool") { WorkingDirectory = RepositoryRoot.Path, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        Process process;
        try { process = Process.Start(start)!; }
        catch (System.ComponentModel.Win32Exception e)
        {
            Assert.Fail($"promtool is missing ({e.Message}): install it with `sudo apt-get install -y prometheus` (Debian/Ubuntu), or run ./build.sh Prerequisites");
            throw;
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, stdout.Result + stderr);
        }
    }
}
