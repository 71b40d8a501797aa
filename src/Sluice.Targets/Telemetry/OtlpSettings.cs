using OpenTelemetry.Exporter;

namespace Sluice.Targets.Telemetry;

/// <summary>
/// Where OTLP goes, from the specification's variables (read from the run's environment, so a test sets them per run):
/// <code>
/// #  Variable                                  Meaning
/// 1  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT        the traces URL, used as given
/// 2  OTEL_EXPORTER_OTLP_METRICS_ENDPOINT       the metrics URL, used as given
/// 3  OTEL_EXPORTER_OTLP_ENDPOINT               the base URL; http/protobuf appends v1/traces and v1/metrics
/// 4  OTEL_EXPORTER_OTLP_PROTOCOL               grpc or http/protobuf (default http/protobuf, which needs no HTTP/2)
/// 5  OTEL_EXPORTER_OTLP_HEADERS                key=value,... sent with every export
/// 6  OTEL_SERVICE_NAME                         the resource's service.name (default sluice)
/// </code>
/// No endpoint at all: no OTLP export.
/// </summary>
internal sealed record OtlpSettings(Uri? Traces, Uri? Metrics, OtlpExportProtocol Protocol, string? Headers, string ServiceName)
{
    public static OtlpSettings From(IReadOnlyDictionary<string, string> variables)
    {
        string? Get(string name) => variables.TryGetValue(name, out var value) && value.Length > 0 ? value : null;
        var protocol = Get("OTEL_EXPORTER_OTLP_PROTOCOL") == "grpc" ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;
        var baseUrl = Get("OTEL_EXPORTER_OTLP_ENDPOINT");
        Uri? Signal(string specific, string path) =>
            Get(specific) is { } url ? new Uri(url)
            : baseUrl is null ? null
            : protocol == OtlpExportProtocol.Grpc ? new Uri(baseUrl)
            : new Uri(baseUrl.TrimEnd('/') + "/" + path);
        return new OtlpSettings(Signal("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "v1/traces"), Signal("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "v1/metrics"),
            protocol, Get("OTEL_EXPORTER_OTLP_HEADERS"), Get("OTEL_SERVICE_NAME") ?? "sluice");
    }

    public void Apply(OtlpExporterOptions options, Uri endpoint)
    {
        options.Endpoint = endpoint;
        options.Protocol = Protocol;
        if (Headers is not null) options.Headers = Headers;
    }
}
