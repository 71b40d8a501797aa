using System.Globalization;
using System.Text.Json;
using Sluice.Canary.Definition;

namespace Sluice.Canary.Sources;

/// <summary>
/// The definition's <c>prometheus</c> metrics, read from the Prometheus HTTP API: one instant query
/// (<c>/api/v1/query</c>) per metric, version and figure, evaluated at the window's end, with <c>{version}</c> replaced
/// by the version's label and <c>{window}</c> by the window's length (<c>[{window}]</c> is the range a
/// <c>rate</c>/<c>increase</c> looks back over). A query must return one series or none: none is "no data" (null, so
/// the metric is inconclusive), several would hide which one was meant. Anything else Prometheus does wrong (no
/// answer, an error status, an error reply) is a <see cref="MetricSourceException"/> naming the address.
/// </summary>
public sealed class PrometheusMetricSource : IMetricSource
{
    private readonly HttpClient _http;
    private readonly Uri _address;
    private readonly IReadOnlyList<CanaryMetric> _metrics;
    private readonly VersionLabels _versions;

    /// <param name="http">Its <see cref="HttpClient.Timeout"/> bounds each query; a query that times out is an error.</param>
    /// <param name="address">Prometheus's base address (<c>http://127.0.0.1:9090</c>).</param>
    public PrometheusMetricSource(HttpClient http, Uri address, IReadOnlyList<CanaryMetric> metrics, VersionLabels versions)
    {
        if (metrics.Any(m => m.Source != MetricCatalog.Prometheus || m.Query is null || m.CountQuery is null))
            throw new ArgumentException("every metric needs source 'prometheus', a query and a count_query", nameof(metrics));
        (_http, _address, _metrics, _versions) = (http, address, metrics, versions);
    }

    /// <summary>The source for the <c>prometheus</c> metrics of <paramref name="definition"/>.</summary>
    public static PrometheusMetricSource For(CanaryDefinition definition, HttpClient http, Uri address) =>
        new(http, address, [.. definition.Metrics.Where(m => m.Source == MetricCatalog.Prometheus)], definition.Versions);

    public string Name => MetricCatalog.Prometheus;

    public IReadOnlyCollection<string> Metrics => [.. _metrics.Select(m => m.Name)];

    public async Task<IReadOnlyList<MetricObservation>> ObserveAsync(MetricWindow window, CancellationToken cancellationToken)
    {
        var observations = new List<MetricObservation>();
        foreach (var metric in _metrics)
            foreach (var version in new[] { ServiceVersion.Baseline, ServiceVersion.Canary })
            {
                var value = await QueryAsync(Render(metric.Query!, version, window), window.End, cancellationToken);
                var count = await QueryAsync(Render(metric.CountQuery!, version, window), window.End, cancellationToken);
                observations.Add(new MetricObservation(metric.Name, version, count is { } c ? (long)Math.Round(c) : 0, value, []));
            }
        return observations;
    }

    /// <summary>A template with the version's label and the window's length (whole seconds, at least one).</summary>
    public string Render(string template, ServiceVersion version, MetricWindow window) => template
        .Replace("{version}", _versions.Of(version), StringComparison.Ordinal)
        .Replace("{window}", $"{Math.Max(1, (long)Math.Ceiling(window.Length.TotalSeconds))}s", StringComparison.Ordinal);

    /// <summary>The value of one instant query at <paramref name="time"/>; null when it returns no series or NaN.</summary>
    public async Task<double?> QueryAsync(string query, DateTimeOffset time, CancellationToken cancellationToken)
    {
        var at = (time.ToUnixTimeMilliseconds() / 1000.0).ToString("0.000", CultureInfo.InvariantCulture);
        var uri = new Uri(_address, $"api/v1/query?query={Uri.EscapeDataString(query)}&time={at}");
        JsonElement reply;
        try
        {
            using var response = await _http.GetAsync(uri, cancellationToken);
            // Prometheus answers a bad query with 400 and a JSON error: read the body either way.
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            try
            {
                reply = JsonDocument.Parse(body).RootElement;
            }
            catch (JsonException)
            {
                throw Failed($"answered {(int)response.StatusCode} with a body that is not JSON", query);
            }
            if (!response.IsSuccessStatusCode || reply.GetProperty("status").GetString() != "success")
                throw Failed($"answered {(int)response.StatusCode}: {Text(reply, "errorType")} {Text(reply, "error")}".TrimEnd(), query);
        }
        catch (HttpRequestException e)
        {
            throw Failed($"unreachable ({e.Message})", query, e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw Failed($"no answer within {_http.Timeout.TotalSeconds:0.#} s", query, e);
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException)
        {
            throw Failed("answered with a reply that is not the query API's", query, e);
        }
        return Value(reply.GetProperty("data"), query);
    }

    private double? Value(JsonElement data, string query)
    {
        var type = data.GetProperty("resultType").GetString();
        var result = data.GetProperty("result");
        JsonElement sample;
        switch (type)
        {
            case "scalar":
                sample = result;
                break;
            case "vector" when result.GetArrayLength() == 0:
                return null;
            case "vector" when result.GetArrayLength() == 1:
                sample = result[0].GetProperty("value");
                break;
            case "vector":
                throw Failed($"returned {result.GetArrayLength()} series; aggregate the query to one (sum(...), max(...))", query);
            default:
                throw Failed($"returned a {type}; a canary query must be an instant vector or a scalar", query);
        }
        var text = sample[1].GetString();
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) ? value : null;
    }

    private static string Text(JsonElement reply, string name) =>
        reply.ValueKind == JsonValueKind.Object && reply.TryGetProperty(name, out var v) ? v.GetString() ?? "" : "";

    private MetricSourceException Failed(string what, string query, Exception? inner = null) =>
        new(Name, $"Prometheus at {_address} {what} (query: {query})", inner);
}
