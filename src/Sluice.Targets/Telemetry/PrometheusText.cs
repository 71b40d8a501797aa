using System.Globalization;
using System.Text;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using Sluice.Observability;

namespace Sluice.Targets.Telemetry;

/// <summary>
/// The Prometheus text exposition format (0.0.4) of a batch of OpenTelemetry metrics, named as
/// <see cref="PrometheusNames"/> names them (so the alert rules and the dashboard find them): counters with
/// <c>_total</c>, histograms as cumulative <c>_bucket{le}</c>, <c>_sum</c> and <c>_count</c>.
/// </summary>
internal static class PrometheusText
{
    public static string Write(in Batch<Metric> metrics)
    {
        var text = new StringBuilder();
        foreach (var metric in metrics)
        {
            var kind = KindOf(metric.MetricType);
            var name = PrometheusNames.For(metric.Name, metric.Unit ?? "", kind);
            text.Append("# HELP ").Append(name).Append(' ').Append(Escape(metric.Description ?? "", help: true)).Append('\n');
            text.Append("# TYPE ").Append(name).Append(' ').Append(kind switch
            {
                InstrumentKind.Counter => "counter",
                InstrumentKind.Histogram => "histogram",
                _ => "gauge",
            }).Append('\n');
            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                var labels = Labels(point.Tags);
                switch (metric.MetricType)
                {
                    case MetricType.LongSum or MetricType.LongSumNonMonotonic:
                        Sample(text, name, labels, point.GetSumLong());
                        break;
                    case MetricType.DoubleSum or MetricType.DoubleSumNonMonotonic:
                        Sample(text, name, labels, point.GetSumDouble());
                        break;
                    case MetricType.LongGauge:
                        Sample(text, name, labels, point.GetGaugeLastValueLong());
                        break;
                    case MetricType.DoubleGauge:
                        Sample(text, name, labels, point.GetGaugeLastValueDouble());
                        break;
                    case MetricType.Histogram:
                        long cumulative = 0;
                        foreach (var bucket in point.GetHistogramBuckets())
                        {
                            cumulative += bucket.BucketCount;
                            var le = double.IsPositiveInfinity(bucket.ExplicitBound) ? "+Inf" : Number(bucket.ExplicitBound);
                            Sample(text, name + "_bucket", Join(labels, $"le=\"{le}\""), cumulative);
                        }
                        Sample(text, name + "_sum", labels, point.GetHistogramSum());
                        Sample(text, name + "_count", labels, point.GetHistogramCount());
                        break;
                }
            }
        }
        return text.ToString();
    }

    private static InstrumentKind KindOf(MetricType type) => type switch
    {
        MetricType.LongSum or MetricType.DoubleSum => InstrumentKind.Counter,
        MetricType.LongSumNonMonotonic or MetricType.DoubleSumNonMonotonic => InstrumentKind.UpDownCounter,
        MetricType.Histogram or MetricType.ExponentialHistogram => InstrumentKind.Histogram,
        _ => InstrumentKind.Gauge,
    };

    private static string Labels(ReadOnlyTagCollection tags)
    {
        var parts = new List<string>();
        foreach (var tag in tags) parts.Add($"{tag.Key}=\"{Escape(Convert.ToString(tag.Value, CultureInfo.InvariantCulture) ?? "", help: false)}\"");
        return string.Join(',', parts);
    }

    private static string Join(string labels, string extra) => labels.Length == 0 ? extra : labels + "," + extra;

    private static void Sample(StringBuilder text, string name, string labels, double value)
    {
        text.Append(name);
        if (labels.Length > 0) text.Append('{').Append(labels).Append('}');
        text.Append(' ').Append(Number(value)).Append('\n');
    }

    private static string Number(double value) =>
        double.IsPositiveInfinity(value) ? "+Inf" : double.IsNegativeInfinity(value) ? "-Inf" : double.IsNaN(value) ? "NaN" : value.ToString("R", CultureInfo.InvariantCulture);

    private static string Escape(string value, bool help) =>
        help ? value.Replace("\\", "\\\\").Replace("\n", "\\n") : value.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n");
}
