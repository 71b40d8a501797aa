using System.Diagnostics;
using System.Diagnostics.Metrics;
using Sluice.Observability.Tracing;
using static Sluice.Observability.MetricLabels;

namespace Sluice.Observability;

/// <summary>
/// What a run records about one environment's database, where the thing happens: each method below is the one call
/// site of its instruments (<see cref="SluiceInstruments"/>), so the catalog, the alert rules and the code agree on
/// labels. <see cref="Database"/> is what the spans say about the database. Nothing costs until a listener subscribes.
/// </summary>
public sealed class SluiceTelemetry(SluiceInstruments instruments, TracedDatabase database)
{
    public SluiceInstruments Instruments => instruments;

    public TracedDatabase Database => database;

    /// <summary>A backfill phase starts walking its table, under <paramref name="lagLimit"/>.</summary>
    public void BackfillStarted(string environment, string plan, string phase, TimeSpan lagLimit)
    {
        instruments.BackfillActiveCounter.Add(1, Tags(environment, plan, phase));
        instruments.ReplicationLagLimitGauge.Record(lagLimit.TotalSeconds, new(DeploymentEnvironment, environment), new(Plan, plan));
    }

    /// <summary>The backfill phase stopped walking: done, out of time budget, or failed.</summary>
    public void BackfillStopped(string environment, string plan, string phase) =>
        instruments.BackfillActiveCounter.Add(-1, Tags(environment, plan, phase));

    /// <summary>One batch committed with its checkpoint.</summary>
    public void BatchCommitted(string environment, string plan, string phase, string table, long rows, TimeSpan duration)
    {
        instruments.RowsBackfilledCounter.Add(rows, new(DeploymentEnvironment, environment), new(Plan, plan), new(Phase, phase), new(Table, table));
        instruments.BatchDurationHistogram.Record(duration.TotalSeconds, Tags(environment, plan, phase));
        if (duration > TimeSpan.Zero) instruments.BackfillThroughputGauge.Record(rows / duration.TotalSeconds, Tags(environment, plan, phase));
    }

    /// <summary>A batch gave up waiting on a lock the workload held (its lock_timeout), to be retried.</summary>
    public void BatchWaitedOnLock(string environment, string plan, string phase) =>
        instruments.LockWaitsCounter.Add(1, Tags(environment, plan, phase));

    /// <summary>The backfill paused for <paramref name="reason"/> (<see cref="MetricLabels.Reasons"/>).</summary>
    public void BackfillThrottled(string environment, string plan, string phase, string reason) =>
        instruments.ThrottlePausesCounter.Add(1, new(DeploymentEnvironment, environment), new(Plan, plan), new(Phase, phase), new(Reason, reason));

    /// <summary>The replication lag the throttle read: the worst replica's (<c>replica="worst"</c>), as the throttle
    /// judges by it; nothing when the database has no replica.</summary>
    public void ReplicationLagRead(string environment, string plan, TimeSpan? lag)
    {
        if (lag is { } value)
            instruments.ReplicationLagGauge.Record(value.TotalSeconds, new(DeploymentEnvironment, environment), new(Plan, plan), new(Replica, WorstReplica));
    }

    /// <summary>How long <paramref name="plan"/> has been half-migrated (zero once it is done), against its limit.</summary>
    public void PartialState(string environment, string plan, TimeSpan duration, TimeSpan limit)
    {
        KeyValuePair<string, object?>[] tags = [new(DeploymentEnvironment, environment), new(Plan, plan)];
        instruments.PartialStateDurationGauge.Record(duration.TotalSeconds, tags);
        instruments.PartialStateLimitGauge.Record(limit.TotalSeconds, tags);
    }

    /// <summary>A gate decided, for the pending plans named in <paramref name="plans"/>.</summary>
    public void GateDecided(string environment, string plans, string gate, string verdict) =>
        instruments.GateVerdictsCounter.Add(1, new(DeploymentEnvironment, environment), new(Plan, plans), new(Gate, gate), new(Verdict, verdict));

    /// <summary>A rollback ended (<see cref="MetricLabels.Outcomes"/>).</summary>
    public void RolledBack(string environment, string? plan, string outcome) =>
        instruments.RollbacksCounter.Add(1, new(DeploymentEnvironment, environment), new(Plan, plan ?? ""), new(Outcome, outcome));

    /// <summary>A canary step was measured: each version's error rate as the step's sources read it, every latency
    /// sample they returned (milliseconds, recorded in seconds), and the error rate's limit. A version a source saw
    /// no request of records no error rate: no data is not a zero.</summary>
    public void CanaryStepMeasured(string environment, string service, Canary.Definition.CanaryDefinition definition,
        IReadOnlyList<Canary.Analysis.SourceReading> readings)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(readings);
        foreach (var observation in readings.SelectMany(r => r.Observations))
        {
            var role = observation.Version == Canary.ServiceVersion.Canary ? Roles.Canary : Roles.Baseline;
            var tags = new TagList { { DeploymentEnvironment, environment }, { Service, service }, { ServiceVersion, definition.Versions.Of(observation.Version) }, { Role, role } };
            if (observation.Metric == Canary.Definition.MetricCatalog.ErrorRate && observation.Value is { } rate) instruments.CanaryErrorRateGauge.Record(rate, tags);
            if (observation.Metric == Canary.Definition.MetricCatalog.Latency)
                foreach (var sample in observation.Samples) instruments.CanaryLatencyHistogram.Record(sample / 1000, tags);
        }
        if (definition.Metrics.FirstOrDefault(m => m.SourceMetric == Canary.Definition.MetricCatalog.ErrorRate && m.Max is not null) is { Max: { } limit })
            instruments.CanaryErrorRateLimitGauge.Record(limit, new(DeploymentEnvironment, environment), new(Service, service));
    }

    /// <summary>The value of <see cref="MetricLabels.Replica"/> for the worst replica's lag.</summary>
    public const string WorstReplica = "worst";

    private static TagList Tags(string environment, string plan, string phase) =>
        new() { { DeploymentEnvironment, environment }, { Plan, plan }, { Phase, phase } };
}
