using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Sluice.Observability;
using Sluice.Observability.Tracing;

namespace Sluice.Targets.Telemetry;

/// <summary>
/// The run's exporters: OTLP traces and metrics when an <c>OTEL_EXPORTER_OTLP_*</c> endpoint is set
/// (<see cref="OtlpSettings"/>), Npgsql's spans beneath Sluice's; the metrics pushed to a Pushgateway at the end of
/// the run when <c>--pushgateway</c> is given. Neither: nothing is built and nothing listens, so nothing costs.
/// Disposing flushes both (the push happens then).
/// </summary>
public sealed class TelemetryExport : IAsyncDisposable
{
    private static readonly TimeSpan PushTimeout = TimeSpan.FromSeconds(10);

    private readonly TracerProvider? _traces;
    private readonly MeterProvider? _metrics;
    private readonly HttpClient? _http;

    private TelemetryExport(TracerProvider? traces, MeterProvider? metrics, HttpClient? http) => (_traces, _metrics, _http) = (traces, metrics, http);

    /// <param name="variables">The run's environment, where the <c>OTEL_EXPORTER_OTLP_*</c> variables are read.</param>
    /// <param name="pushgateway">The Pushgateway's URL; null pushes nothing.</param>
    /// <param name="warn">Told when an export fails; the run goes on.</param>
    public static IAsyncDisposable Start(string environment, IReadOnlyDictionary<string, string> variables, string? pushgateway, Action<string> warn)
    {
        var otlp = OtlpSettings.From(variables);
        if (otlp.Traces is null && otlp.Metrics is null && pushgateway is null) return new TelemetryExport(null, null, null);
        var resource = ResourceBuilder.CreateEmpty().AddService(otlp.ServiceName)
            .AddAttributes([new(SemanticAttributes.DeploymentEnvironmentName, environment)]);
        var traces = otlp.Traces is { } tracesUrl
            ? Sdk.CreateTracerProviderBuilder().SetResourceBuilder(resource).AddSource(SluiceActivities.SourceName).AddNpgsql()
                .AddOtlpExporter(o => otlp.Apply(o, tracesUrl)).Build()
            : null;
        HttpClient? http = null;
        MeterProvider? metrics = null;
        if (otlp.Metrics is not null || pushgateway is not null)
        {
            var builder = Sdk.CreateMeterProviderBuilder().SetResourceBuilder(resource).AddMeter(SluiceInstruments.MeterName);
            if (otlp.Metrics is { } metricsUrl) builder.AddOtlpExporter(o => otlp.Apply(o, metricsUrl));
            if (pushgateway is not null)
            {
                http = new HttpClient { Timeout = PushTimeout };
                var exporter = new PushgatewayExporter(new Uri(pushgateway.EndsWith('/') ? pushgateway : pushgateway + "/"), environment, warn, http);
                // Collected once, when the run ends: a push per run, not a scrape loop.
                builder.AddReader(new BaseExportingMetricReader(exporter) { TemporalityPreference = MetricReaderTemporalityPreference.Cumulative });
            }
            metrics = builder.Build();
        }
        return new TelemetryExport(traces, metrics, http);
    }

    public ValueTask DisposeAsync()
    {
        // Disposing a provider flushes it: the last spans leave, the metrics are collected and pushed.
        _traces?.Dispose();
        _metrics?.Dispose();
        _http?.Dispose();
        return ValueTask.CompletedTask;
    }
}
