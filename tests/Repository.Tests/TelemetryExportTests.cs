using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using Sluice.Build;
using Sluice.Observability.Monitoring;
using Sluice.Targets;
using Sluice.Testing.Postgres;
using Sluice.Testing.Servers;

namespace Repository.Tests;

/// <summary>
/// A real Promote's telemetry leaving the process: its metrics pushed to a real Pushgateway at the end of the run and
/// scraped from it by a real Prometheus that also evaluates the generated alert rules; its spans sent by the
/// OpenTelemetry OTLP exporter to a (fake) OTLP/HTTP receiver, in the CI pipeline's trace given by TRACEPARENT. The
/// build runs in-process against a database of the shared cluster. Alone, not beside the other classes: a tracer
/// provider listens to every Npgsql span in the process, and another test's database work, in traces of its own,
/// would reach the receiver beside this run's.
/// </summary>
[Collection(TelemetryExportCollection.Name)]
public sealed class TelemetryExportTests(PostgresFixture postgres) : IDisposable
{
    private readonly ThrowawayRoot _root = new("sluice-telemetry-test-", withPipelines: true);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _root.Dispose();

    private sealed class TelemetryBuild : SluiceBuild, IPromote;

    private async Task<(string ConnectionString, long Rows, Sluice.Postgres.Databases.EphemeralDatabase Database)> ShopAsync()
    {
        var database = await postgres.CreateDatabaseAsync(Ct);
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(Ct);
        await using (var load = new NpgsqlCommand(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "pipelines", "shop", "schema", "0000_base.sql")), connection))
            await load.ExecuteNonQueryAsync(Ct);
        await using var count = new NpgsqlCommand("SELECT count(*) FROM customers", connection);
        return (database.ConnectionString, (long)(await count.ExecuteScalarAsync(Ct))!, database);
    }

    private async Task<(ExitCode Exit, string Output)> PromoteAsync(string connectionString, Dictionary<string, string> variables, params string[] extra)
    {
        var output = new StringWriter();
        var args = new List<string> { "Promote", "--env", "local", "--root", _root.Path, "--database", connectionString };
        args.AddRange(extra);
        var result = await BuildRunner.RunAsync(new TelemetryBuild(), new RunSettings(args, variables, _root.Path, output), [], Ct);
        return (result.ExitCode, output.ToString());
    }

    [Fact]
    public async Task A_promotes_metrics_pushed_to_a_Pushgateway_are_queryable_in_Prometheus_and_the_alert_rules_evaluate_on_them()
    {
        var (connectionString, rows, database) = await ShopAsync();
        await using var _ = database;
        await using var pushgateway = await PushgatewayServer.StartAsync(Ct);
        var rules = Path.Combine(RepositoryRoot.Path, MonitoringFiles.AlertRulesPath);
        await using var prometheus = await PrometheusServer.StartAsync([pushgateway.Address], TimeSpan.FromMilliseconds(500), Ct,
            job: "pushgateway", honorLabels: true, ruleFiles: [rules]);

        var (exit, output) = await PromoteAsync(connectionString, [], "--pushgateway", pushgateway.Address.ToString());

        Assert.True(exit == ExitCode.Success, output);
        Assert.DoesNotContain("Pushgateway", output); // no warning: the push went through
        using var http = new HttpClient { BaseAddress = prometheus.Address };
        var backfilled = await WaitForValueAsync(http, "sum(sluice_backfill_rows_total{job=\"sluice\",instance=\"local\",plan=\"0001_split_customer_name\"})");
        Assert.Equal(rows, (long)backfilled);
        Assert.Equal(0, await WaitForValueAsync(http, "sum(sluice_backfill_active{job=\"sluice\"})"));
        Assert.True(await WaitForValueAsync(http, "sum(sluice_gate_verdicts_total{job=\"sluice\"})") >= 1);

        // Every generated rule has been evaluated on these series without an error.
        for (var waited = System.Diagnostics.Stopwatch.StartNew(); ; await Task.Delay(250, Ct))
        {
            var groups = (await http.GetFromJsonAsync<JsonElement>("api/v1/rules", Ct)).GetProperty("data").GetProperty("groups").EnumerateArray()
                .SelectMany(g => g.GetProperty("rules").EnumerateArray()).ToList();
            Assert.Equal(SluiceAlerts.Rules.Count, groups.Count);
            var evaluated = groups.All(r => r.GetProperty("lastEvaluation").GetString() is { } at && !at.StartsWith("0001-", StringComparison.Ordinal));
            if (evaluated)
            {
                Assert.All(groups, r => Assert.True(r.GetProperty("health").GetString() == "ok", r.ToString()));
                break;
            }
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(30), "the rules were never evaluated");
        }
    }

    [Fact]
    public async Task An_unreachable_Pushgateway_is_a_warning_and_the_promote_succeeds()
    {
        var (connectionString, _, database) = await ShopAsync();
        await using var _ = database;

        var (exit, output) = await PromoteAsync(connectionString, [], "--pushgateway", "http://127.0.0.1:9/");

        Assert.True(exit == ExitCode.Success, output);
        Assert.Contains("the Pushgateway at http://127.0.0.1:9/ could not be reached", output);
    }

    [Fact]
    public async Task A_promotes_spans_reach_a_fake_OTLP_HTTP_receiver_in_the_pipelines_trace()
    {
        var (connectionString, _, database) = await ShopAsync();
        await using var _ = database;
        using var receiver = new FakeOtlpReceiver();
        const string pipelineTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
        const string pipelineSpan = "00f067aa0ba902b7";

        var (exit, output) = await PromoteAsync(connectionString, new()
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Address.ToString().TrimEnd('/'),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["TRACEPARENT"] = $"00-{pipelineTrace}-{pipelineSpan}-01",
        });

        Assert.True(exit == ExitCode.Success, output);
        var spans = receiver.Spans;
        Assert.Contains("/v1/metrics", receiver.Paths);
        Assert.All(spans, s => Assert.Equal(pipelineTrace, s.TraceId));
        var run = Assert.Single(spans, s => s.Name == "RUN TelemetryBuild");
        Assert.Equal(pipelineSpan, run.ParentSpanId);
        var promote = Assert.Single(spans, s => s.Name == "Promote");
        Assert.Equal(run.SpanId, promote.ParentSpanId);
        var plan = Assert.Single(spans, s => s.Name == "migrate 0001_split_customer_name");
        Assert.Equal(promote.SpanId, plan.ParentSpanId);
        Assert.Equal(5, spans.Count(s => s.ParentSpanId == plan.SpanId && s.Name.Contains(" up 0001_split_customer_name/", StringComparison.Ordinal)));
        // Npgsql's spans came along, each under one of Sluice's.
        var ids = spans.Select(s => s.SpanId).ToHashSet();
        Assert.Contains(spans, s => s.Scope == "Npgsql");
        Assert.All(spans.Where(s => s != run), s => Assert.Contains(s.ParentSpanId, ids));
    }

    private async Task<double> WaitForValueAsync(HttpClient http, string query)
    {
        for (var waited = System.Diagnostics.Stopwatch.StartNew(); ; await Task.Delay(250, Ct))
        {
            var result = (await http.GetFromJsonAsync<JsonElement>($"api/v1/query?query={Uri.EscapeDataString(query)}", Ct)).GetProperty("data").GetProperty("result");
            if (result.GetArrayLength() > 0) return double.Parse(result[0].GetProperty("value")[1].GetString()!, System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(30), $"Prometheus never returned {query}");
        }
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryExportCollection
{
    public const string Name = "telemetry export, alone in the process";
}
