using System.Diagnostics.Metrics;
using System.Text.RegularExpressions;
using Sluice.Observability;
using Sluice.Observability.Monitoring;

namespace Sluice.Tests.Observability;

public sealed partial class SluiceInstrumentsTests
{
    /// <summary>Alerts, the dashboard and people's own queries depend on these names: a rename must be on purpose.</summary>
    [Fact]
    public void The_catalog_has_every_instrument_under_its_Prometheus_name()
    {
        Assert.Equal(
        [
            "sluice_backfill_rows_total", "sluice_backfill_throughput_per_second", "sluice_backfill_active",
            "sluice_backfill_batch_duration_seconds", "sluice_backfill_lock_waits_total", "sluice_backfill_throttle_pauses_total",
            "sluice_replication_lag_seconds", "sluice_replication_lag_limit_seconds", "sluice_plan_partial_state_duration_seconds",
            "sluice_plan_partial_state_limit_seconds", "sluice_gate_verdicts_total", "sluice_rollbacks_total",
            "sluice_canary_error_rate_ratio", "sluice_canary_error_rate_limit_ratio", "sluice_canary_latency_seconds",
        ], SluiceInstruments.Catalog.Select(m => m.PrometheusName));
    }

    [Fact]
    public void Every_instrument_is_labelled_by_environment_with_valid_Prometheus_label_names()
    {
        foreach (var metric in SluiceInstruments.Catalog)
        {
            Assert.Contains(MetricLabels.DeploymentEnvironment, metric.Labels);
            Assert.All(metric.Labels, l => Assert.Matches(LabelName(), l));
            Assert.False(string.IsNullOrWhiteSpace(metric.Description), metric.Name);
        }
    }

    [Fact]
    public void An_instance_publishes_every_catalog_instrument_on_its_own_Sluice_meter_with_the_catalog_kind_unit_and_description()
    {
        using var instruments = new SluiceInstruments();
        var published = new List<Instrument>();
        using var listener = new MeterListener { InstrumentPublished = (i, _) => { if (i.Meter == instruments.Meter) published.Add(i); } };
        listener.Start();

        Assert.Equal(SluiceInstruments.MeterName, instruments.Meter.Name);
        Assert.Equal(SluiceInstruments.Catalog.Select(m => (m.Name, m.Kind, m.Unit, m.Description)), published.Select(i => (i.Name, KindOf(i), i.Unit!, i.Description!)));
    }

    private static InstrumentKind KindOf(Instrument instrument) => instrument.GetType().GetGenericTypeDefinition() switch
    {
        var t when t == typeof(Counter<>) => InstrumentKind.Counter,
        var t when t == typeof(UpDownCounter<>) => InstrumentKind.UpDownCounter,
        var t when t == typeof(Gauge<>) => InstrumentKind.Gauge,
        var t when t == typeof(Histogram<>) => InstrumentKind.Histogram,
        var t => throw new InvalidOperationException($"{instrument.Name} is a {t.Name}, which the catalog has no kind for"),
    };

    [Fact]
    public void Measurements_reach_a_listener_with_their_labels_and_two_runs_do_not_share_instruments()
    {
        using var first = new SluiceInstruments();
        using var second = new SluiceInstruments();
        var seen = new List<(Meter Meter, string Name, long Value, string? Plan)>();
        using var listener = new MeterListener { InstrumentPublished = (i, l) => { if (i.Meter == first.Meter || i.Meter == second.Meter) l.EnableMeasurementEvents(i); } };
        listener.SetMeasurementEventCallback<long>((i, value, tags, _) =>
        {
            string? plan = null;
            foreach (var tag in tags) if (tag.Key == MetricLabels.Plan) plan = tag.Value as string;
            seen.Add((i.Meter, i.Name, value, plan));
        });
        listener.Start();

        first.RowsBackfilledCounter.Add(500, new KeyValuePair<string, object?>(MetricLabels.Plan, "0001_split_customer_name"));
        second.Dispose();
        second.RowsBackfilledCounter.Add(7); // a disposed run's instruments record nothing

        Assert.Equal([(first.Meter, SluiceInstruments.RowsBackfilled.Name, 500L, (string?)"0001_split_customer_name")], seen);
    }

    [Fact]
    public void The_dashboard_shows_every_instrument_and_queries_only_catalog_names()
    {
        Assert.Equal(SluiceInstruments.Catalog.Select(m => m.Name).Order(), SluiceDashboard.Instruments.Select(m => m.Name).Order());
        var queries = SluiceDashboard.Dashboard.Panels.SelectMany(p => p.Targets).Select(t => t.Expr);
        AssertOnlyCatalogNames(queries);
    }

    [Fact]
    public void Alert_expressions_query_only_catalog_names()
    {
        Assert.Equal(5, SluiceAlerts.Rules.Count);
        AssertOnlyCatalogNames(SluiceAlerts.Rules.Select(r => r.Expr));
    }

    private static void AssertOnlyCatalogNames(IEnumerable<string> expressions)
    {
        var known = SluiceInstruments.Catalog.SelectMany(m => m.Kind == InstrumentKind.Histogram ? [m.PrometheusName + "_bucket"] : new[] { m.PrometheusName }).ToHashSet();
        foreach (var expr in expressions)
            foreach (Match name in MetricName().Matches(expr))
                Assert.True(known.Contains(name.Value), $"'{name.Value}' in `{expr}` is not a catalog instrument");
    }

    [GeneratedRegex("^[a-zA-Z_][a-zA-Z0-9_]*$")]
    private static partial Regex LabelName();

    [GeneratedRegex(@"\bsluice_[a-z_]+")]
    private static partial Regex MetricName();
}
