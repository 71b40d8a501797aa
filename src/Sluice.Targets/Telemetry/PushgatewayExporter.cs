using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace Sluice.Targets.Telemetry;

/// <summary>
/// Pushes the run's metrics to a Prometheus Pushgateway when the run ends (a build is a batch job, which Prometheus
/// advises to push rather than be scraped). It replaces the group <c>job="sluice", instance="&lt;env&gt;"</c>, so the
/// last run of an environment is what Prometheus sees. A push that fails is a warning: telemetry never fails a release.
/// </summary>
internal sealed class PushgatewayExporter(Uri pushgateway, string environment, Action<string> warn, HttpClient http) : BaseExporter<Metric>
{
    public Uri GroupUrl { get; } = new(pushgateway, $"metrics/job/sluice/instance/{Uri.EscapeDataString(environment)}");

    public override ExportResult Export(in Batch<Metric> batch)
    {
        var body = PrometheusText.Write(batch);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Put, GroupUrl) { Content = new StringContent(body, System.Text.Encoding.UTF8) };
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/plain") { Parameters = { new("version", "0.0.4") } };
            using var response = http.Send(request);
            if (response.IsSuccessStatusCode) return ExportResult.Success;
            warn($"the Pushgateway at {pushgateway} refused the run's metrics: HTTP {(int)response.StatusCode}; the release is not affected");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidOperationException)
        {
            warn($"the Pushgateway at {pushgateway} could not be reached ({e.Message}); the release is not affected");
        }
        return ExportResult.Failure;
    }
}
