namespace Sluice.Observability;

/// <summary>How an instrument aggregates, which decides its Prometheus type and suffixes.</summary>
public enum InstrumentKind
{
    /// <summary>A monotonic sum (<c>Counter&lt;T&gt;</c>): a Prometheus counter, named with <c>_total</c>.</summary>
    Counter,

    /// <summary>A value that goes up and down (<c>UpDownCounter&lt;T&gt;</c>): a Prometheus gauge.</summary>
    UpDownCounter,

    /// <summary>The last value measured (<c>Gauge&lt;T&gt;</c>): a Prometheus gauge.</summary>
    Gauge,

    /// <summary>A distribution (<c>Histogram&lt;T&gt;</c>): a Prometheus histogram (<c>_bucket</c>, <c>_sum</c>, <c>_count</c>).</summary>
    Histogram,
}

/// <summary>
/// One instrument of the catalog: its OpenTelemetry name, kind, UCUM unit, description and label names. Alerts, the
/// dashboard and the docs query <see cref="PrometheusName"/>, the name an OpenTelemetry Prometheus exporter gives it.
/// </summary>
public sealed record MetricDefinition(string Name, InstrumentKind Kind, string Unit, string Description, IReadOnlyList<string> Labels)
{
    public string PrometheusName => PrometheusNames.For(Name, Unit, Kind);
}
