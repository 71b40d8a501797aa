using Sluice.Canary;
using Sluice.Canary.Definition;
using Sluice.Environments;
using Sluice.Errors;

namespace Sluice.Tests.Canary;

/// <summary>
/// The canary definition read from a real <c>.nuke/parameters.staging.json</c> the way a run reads it: a good one
/// parses with its defaults; bad input is a usage error (exit 2) naming the file and the line of the key at fault.
/// </summary>
public sealed class CanaryDefinitionTests : IDisposable
{
    private const string Display = ".nuke/parameters.staging.json";
    private readonly string _folder = Directory.CreateTempSubdirectory("sluice-canary-def-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private const string Good = """
        {
          "environment": {
            "provider": "local",
            "canary": {
              "strategy": "canary",
              "requires_phase": "backfill",
              "flag": "customers.read_split_name",
              "steps": [
                { "weight": 5, "interval": "30s" },
                { "weight": 50, "interval": "1m" },
                { "weight": 100, "interval": "1m" }
              ],
              "metrics": [
                { "name": "error_rate", "source": "router", "max": 0.01 },
                { "name": "latency", "source": "router", "p99_max": 500, "compare": { "tolerance": 0.2 } },
                { "name": "http_5xx", "source": "prometheus",
                  "query": "sum(rate(http_requests_received_total{service_version=\"{version}\",code=~\"5..\"}[{window}]))",
                  "count_query": "sum(increase(http_requests_received_total{service_version=\"{version}\"}[{window}]))", "max": 0.5 },
                { "name": "sql_errors", "source": "database", "metric": "sqlstate_errors", "max": 0, "min_samples": 1 }
              ],
              "application_name": "shop-v{version}",
              "prometheus": "http://127.0.0.1:9090/",
              "router": { "baseline": "http://127.0.0.1:5001", "canary": "http://127.0.0.1:5002", "sticky": true },
              "divergence": [
                { "name": "full_name", "table": "customers", "expected": "full_name", "actual": "first_name || ' ' || last_name", "written_at": "updated_at" }
              ]
            }
          }
        }
        """;

    private (CanaryDefinition Definition, EnvironmentKeyLines Lines) ReadGood()
    {
        var path = Write(Good);
        var spec = EnvironmentSpecReader.ReadFile(path, Display)!;
        var lines = EnvironmentSpecReader.FindLines(path)!;
        return (CanaryDefinitionReader.Read(spec, Display, lines)!, lines);
    }

    [Fact]
    public void A_good_definition_reads_with_argo_defaults_for_what_it_leaves_out()
    {
        var (d, _) = ReadGood();
        Assert.Equal(CanaryStrategy.Canary, d.Strategy);
        Assert.Equal([5, 50, 100], d.Steps.Select(s => s.Weight));
        Assert.Equal(TimeSpan.FromSeconds(30), d.Steps[0].Interval);
        Assert.Equal(4, d.Metrics.Count);
        Assert.Equal((0, 2, 4, 50, 0.98), (d.FailureLimit, d.InconclusiveLimit, d.ConsecutiveErrorLimit, d.MinSamples, d.Confidence));
        Assert.Equal(0.2, d.Metrics[1].Compare!.Tolerance);
        Assert.Equal("shop-v2", d.ApplicationNameOf(ServiceVersion.Canary));
        Assert.Equal("customers", d.Divergence[0].Table);
        Assert.Equal("id", d.Divergence[0].Key);
    }

    public static TheoryData<string, string, string, string> BadInput => new()
    {
        // what is replaced in the good file, with what, the line's marker, and a word of the message
        { "\"metric\": \"sqlstate_errors\"", "\"metric\": \"sqlstate_errrors\"", "sqlstate_errrors", "no metric 'sqlstate_errrors'" },
        { "\"weight\": 100", "\"weight\": 90", "\"weight\": 90", "not 100" },
        { "\"weight\": 50", "\"weight\": 3", "\"weight\": 3", "does not increase" },
        { "\"source\": \"prometheus\"", "\"source\": \"graphite\"", "graphite", "unknown source 'graphite'" },
        { "\"max\": 0.01 }", "\"max\": 0.01, \"maximum\": 1 }", "\"maximum\"", "maximum" },
        { "\"interval\": \"1m\" },", "\"interval\": \"soon\" },", "\"soon\"", "duration" },
        { "{version}\\\",code", "1\\\",code", "code=~", "{version}" },
        { "\"tolerance\": 0.2", "\"tolerance\": -1", "\"tolerance\": -1", "negative" },
        { "\"table\": \"customers\"", "\"table\": null", "\"table\": null", "null" },
        { "\"weight\": 5, ", "", "\"interval\": \"30s\"", "weight" },
        { "\"canary\": \"http://127.0.0.1:5002\"", "\"canary\": \"127.0.0.1:5002\"", "\"canary\": \"127.0.0.1:5002\"", "'router.canary'" },
        { "\"sticky\": true", "\"sticky\": true, \"port\": 70000", "\"port\": 70000", "'router.port'" },
        { "\"prometheus\": \"http://127.0.0.1:9090/\"", "\"prometheus\": \"localhost:9090\"", "\"prometheus\": \"localhost", "'prometheus'" },
    };

    [Theory]
    [MemberData(nameof(BadInput))]
    public void Bad_input_exits_2_naming_the_file_and_the_line_of_the_key(string replace, string with, string marker, string message)
    {
        var text = Good.Replace(replace, with, StringComparison.Ordinal);
        Assert.NotEqual(Good, text);
        var error = Refused(text);
        Assert.Equal(ErrorKind.Usage, error.Kind);
        Assert.Equal(ErrorCodes.BadCanary, error.Code);
        Assert.Equal(Display, error.File);
        Assert.Equal(LineOf(text, marker), error.Line);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_percentile_on_a_metric_without_samples_is_refused_at_its_key()
    {
        var text = Good.Replace("\"metric\": \"sqlstate_errors\", \"max\": 0", "\"metric\": \"sqlstate_errors\", \"p99_max\": 0", StringComparison.Ordinal);
        var error = Refused(text);
        Assert.Equal(LineOf(text, "\"p99_max\": 0"), error.Line);
        Assert.Contains("raw samples", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Blue_green_takes_one_step_of_100()
    {
        var text = Good.Replace("\"strategy\": \"canary\"", "\"strategy\": \"blue_green\"", StringComparison.Ordinal);
        var error = Refused(text);
        Assert.Equal(LineOf(text, "\"steps\""), error.Line);
        Assert.Contains("one step of weight 100", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_database_metric_needs_an_application_name_per_version()
    {
        var text = Good.Replace("\"application_name\": \"shop-v{version}\",", "\"application_name\": \"shop\",", StringComparison.Ordinal);
        var error = Refused(text);
        Assert.Equal(LineOf(text, "\"application_name\": \"shop\""), error.Line);
    }

    [Fact]
    public void Requires_phase_is_checked_against_the_plans_phases_at_its_line()
    {
        var (d, lines) = ReadGood();
        CanaryDefinitionReader.CheckRequiresPhase(d, ["expand", "backfill", "switch", "contract"], Display, lines);

        var error = Assert.Throws<SluiceException>(() =>
            CanaryDefinitionReader.CheckRequiresPhase(d, ["expand", "switch", "contract"], Display, lines, plan: "0001_split_customer_name"));
        Assert.Equal(ErrorKind.Usage, error.Kind);
        Assert.Equal(ErrorCodes.CanaryPhaseNotInPlan, error.Code);
        Assert.Equal(LineOf(Good, "\"requires_phase\""), error.Line);
        Assert.Contains("expand, switch, contract", error.Message, StringComparison.Ordinal);
    }

    private SluiceException Refused(string text) => Assert.Throws<SluiceException>(() => EnvironmentSpecReader.ReadFile(Write(text), Display));

    private string Write(string text)
    {
        var path = Path.Combine(_folder, $"parameters.{Guid.NewGuid():N}.json");
        File.WriteAllText(path, text);
        return path;
    }

    private static int LineOf(string text, string marker)
    {
        var index = text.IndexOf(marker, StringComparison.Ordinal);
        Assert.True(index >= 0, $"'{marker}' is not in the file");
        return text[..index].Count(c => c == '\n') + 1;
    }
}
