using Sluice.Observability;

namespace Sluice.Tests.Observability;

/// <summary>The rules of <see cref="PrometheusNames"/>, row by row.</summary>
public sealed class PrometheusNamingRulesTests
{
    [Theory]
    // 1. dots and other characters become one underscore
    [InlineData("sluice.gate.verdicts", "", InstrumentKind.Gauge, "sluice_gate_verdicts")]
    [InlineData("sluice..odd-name", "", InstrumentKind.Gauge, "sluice_odd_name")]
    // 2. annotations are unitless; rates read per second; abbreviations become words
    [InlineData("sluice.backfill.throughput", "{row}/s", InstrumentKind.Gauge, "sluice_backfill_throughput_per_second")]
    [InlineData("sluice.upload", "By/s", InstrumentKind.Gauge, "sluice_upload_bytes_per_second")]
    [InlineData("sluice.batch.duration", "ms", InstrumentKind.Histogram, "sluice_batch_duration_milliseconds")]
    // 3. the unit suffix is not repeated
    [InlineData("sluice.lag_seconds", "s", InstrumentKind.Gauge, "sluice_lag_seconds")]
    // 4. counters end with _total (once)
    [InlineData("sluice.backfill.rows", "{row}", InstrumentKind.Counter, "sluice_backfill_rows_total")]
    [InlineData("sluice.requests_total", "{request}", InstrumentKind.Counter, "sluice_requests_total")]
    [InlineData("sluice.backfill.active", "{backfill}", InstrumentKind.UpDownCounter, "sluice_backfill_active")]
    // 5. gauges of unit 1 end with _ratio; counters of unit 1 do not
    [InlineData("sluice.canary.error_rate", "1", InstrumentKind.Gauge, "sluice_canary_error_rate_ratio")]
    [InlineData("sluice.canary.errors", "1", InstrumentKind.Counter, "sluice_canary_errors_total")]
    public void An_OpenTelemetry_name_maps_to_its_Prometheus_name(string name, string unit, InstrumentKind kind, string expected) =>
        Assert.Equal(expected, PrometheusNames.For(name, unit, kind));
}
