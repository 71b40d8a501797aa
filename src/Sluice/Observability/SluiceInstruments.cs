using System.Diagnostics.Metrics;
using static Sluice.Observability.MetricLabels;

namespace Sluice.Observability;

/// <summary>
/// Sluice's metrics: the <c>Sluice</c> meter and every instrument on it. <see cref="Catalog"/> describes them (name,
/// unit, description, labels, Prometheus name) for the alert rules, the dashboard and the docs; an instance creates
/// the instruments for one run. With an <see cref="IMeterFactory"/> the meter belongs to the host's container;
/// without, to this instance, which disposes it. Nothing listens (and nothing costs) until an exporter subscribes.
/// </summary>
public sealed class SluiceInstruments : IDisposable
{
    public const string MeterName = "Sluice";

    public static readonly MetricDefinition RowsBackfilled = new("sluice.backfill.rows", InstrumentKind.Counter, "{row}",
        "Rows a backfill phase has written, committed with their checkpoint", [DeploymentEnvironment, Plan, Phase, Table]);

    public static readonly MetricDefinition BackfillThroughput = new("sluice.backfill.throughput", InstrumentKind.Gauge, "{row}/s",
        "Rows per second over the last batch of a backfill phase", [DeploymentEnvironment, Plan, Phase]);

    public static readonly MetricDefinition BackfillActive = new("sluice.backfill.active", InstrumentKind.UpDownCounter, "{backfill}",
        "1 while a backfill phase is running, 0 otherwise (a stalled backfill is active without new rows)", [DeploymentEnvironment, Plan, Phase]);

    public static readonly MetricDefinition BatchDuration = new("sluice.backfill.batch.duration", InstrumentKind.Histogram, "s",
        "Time one backfill batch took, from its statement to its checkpoint's commit", [DeploymentEnvironment, Plan, Phase]);

    public static readonly MetricDefinition LockWaits = new("sluice.backfill.lock_waits", InstrumentKind.Counter, "{wait}",
        "Times a backfill batch waited on a lock held by the workload", [DeploymentEnvironment, Plan, Phase]);

    public static readonly MetricDefinition ThrottlePauses = new("sluice.backfill.throttle.pauses", InstrumentKind.Counter, "{pause}",
        "Times the backfill paused to let replicas or the workload catch up, by reason", [DeploymentEnvironment, Plan, Phase, Reason]);

    public static readonly MetricDefinition ReplicationLag = new("sluice.replication.lag", InstrumentKind.Gauge, "s",
        "Replication lag of each replica as last measured by the backfill's throttle", [DeploymentEnvironment, Plan, Replica]);

    public static readonly MetricDefinition ReplicationLagLimit = new("sluice.replication.lag.limit", InstrumentKind.Gauge, "s",
        "The plan's replication lag limit: above it the backfill pauses", [DeploymentEnvironment, Plan]);

    public static readonly MetricDefinition PartialStateDuration = new("sluice.plan.partial_state.duration", InstrumentKind.Gauge, "s",
        "How long the plan has been half-migrated (its first phase applied, its last not yet)", [DeploymentEnvironment, Plan]);

    public static readonly MetricDefinition PartialStateLimit = new("sluice.plan.partial_state.limit", InstrumentKind.Gauge, "s",
        "The plan's max_partial_state: how long it may stay half-migrated", [DeploymentEnvironment, Plan]);

    public static readonly MetricDefinition GateVerdicts = new("sluice.gate.verdicts", InstrumentKind.Counter, "{verdict}",
        "Gate decisions, by gate and verdict (pass, warn, fail)", [DeploymentEnvironment, Plan, Gate, Verdict]);

    public static readonly MetricDefinition Rollbacks = new("sluice.rollbacks", InstrumentKind.Counter, "{rollback}",
        "Rollbacks of a plan, by outcome (succeeded, failed)", [DeploymentEnvironment, Plan, Outcome]);

    public static readonly MetricDefinition CanaryErrorRate = new("sluice.canary.error_rate", InstrumentKind.Gauge, "1",
        "Share of failed requests per version in the last canary analysis step (canary and baseline)", [DeploymentEnvironment, Service, ServiceVersion, Role]);

    public static readonly MetricDefinition CanaryErrorRateLimit = new("sluice.canary.error_rate.limit", InstrumentKind.Gauge, "1",
        "The canary's error rate threshold: above it a step fails", [DeploymentEnvironment, Service]);

    public static readonly MetricDefinition CanaryLatency = new("sluice.canary.latency", InstrumentKind.Histogram, "s",
        "Request latency per version during the canary (canary and baseline)", [DeploymentEnvironment, Service, ServiceVersion, Role]);

    /// <summary>Every instrument, in the order the docs and the dashboard show them.</summary>
    public static IReadOnlyList<MetricDefinition> Catalog { get; } =
    [
        RowsBackfilled, BackfillThroughput, BackfillActive, BatchDuration, LockWaits, ThrottlePauses, ReplicationLag,
        ReplicationLagLimit, PartialStateDuration, PartialStateLimit, GateVerdicts, Rollbacks, CanaryErrorRate,
        CanaryErrorRateLimit, CanaryLatency,
    ];

    private readonly Meter _meter;
    private readonly bool _ownsMeter;

    public SluiceInstruments(IMeterFactory? meterFactory = null)
    {
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        RowsBackfilledCounter = Counter<long>(RowsBackfilled);
        BackfillThroughputGauge = Gauge(BackfillThroughput);
        BackfillActiveCounter = _meter.CreateUpDownCounter<int>(BackfillActive.Name, BackfillActive.Unit, BackfillActive.Description);
        BatchDurationHistogram = Histogram(BatchDuration);
        LockWaitsCounter = Counter<long>(LockWaits);
        ThrottlePausesCounter = Counter<long>(ThrottlePauses);
        ReplicationLagGauge = Gauge(ReplicationLag);
        ReplicationLagLimitGauge = Gauge(ReplicationLagLimit);
        PartialStateDurationGauge = Gauge(PartialStateDuration);
        PartialStateLimitGauge = Gauge(PartialStateLimit);
        GateVerdictsCounter = Counter<long>(GateVerdicts);
        RollbacksCounter = Counter<long>(Rollbacks);
        CanaryErrorRateGauge = Gauge(CanaryErrorRate);
        CanaryErrorRateLimitGauge = Gauge(CanaryErrorRateLimit);
        CanaryLatencyHistogram = Histogram(CanaryLatency);
    }

    public Meter Meter => _meter;
    public Counter<long> RowsBackfilledCounter { get; }
    public Gauge<double> BackfillThroughputGauge { get; }
    public UpDownCounter<int> BackfillActiveCounter { get; }
    public Histogram<double> BatchDurationHistogram { get; }
    public Counter<long> LockWaitsCounter { get; }
    public Counter<long> ThrottlePausesCounter { get; }
    public Gauge<double> ReplicationLagGauge { get; }
    public Gauge<double> ReplicationLagLimitGauge { get; }
    public Gauge<double> PartialStateDurationGauge { get; }
    public Gauge<double> PartialStateLimitGauge { get; }
    public Counter<long> GateVerdictsCounter { get; }
    public Counter<long> RollbacksCounter { get; }
    public Gauge<double> CanaryErrorRateGauge { get; }
    public Gauge<double> CanaryErrorRateLimitGauge { get; }
    public Histogram<double> CanaryLatencyHistogram { get; }

    public void Dispose()
    {
        if (_ownsMeter) _meter.Dispose();
    }

    private Counter<T> Counter<T>(MetricDefinition definition) where T : struct =>
        _meter.CreateCounter<T>(definition.Name, definition.Unit, definition.Description);

    private Gauge<double> Gauge(MetricDefinition definition) =>
        _meter.CreateGauge<double>(definition.Name, definition.Unit, definition.Description);

    private Histogram<double> Histogram(MetricDefinition definition) =>
        _meter.CreateHistogram<double>(definition.Name, definition.Unit, definition.Description);
}
