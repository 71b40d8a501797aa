using static Sluice.Observability.MetricLabels;
using static Sluice.Observability.SluiceInstruments;

namespace Sluice.Observability.Monitoring;

/// <summary>
/// Sluice's alerting rules, written against the Prometheus names of <see cref="SluiceInstruments.Catalog"/>:
/// <list type="number">
/// <item><c>SluiceBackfillStalled</c>: a backfill phase is active and wrote no row in 10 minutes, for 5 minutes.</item>
/// <item><c>SluiceReplicationLagAboveLimit</c>: a replica lags more than the plan's limit for 5 minutes (a short
/// excursion is normal: the backfill pauses until the replica catches up).</item>
/// <item><c>SluicePartialStateTooLong</c>: a plan has been half-migrated longer than its <c>max_partial_state</c>.</item>
/// <item><c>SluiceCanaryFailing</c>: the canary version's error rate is above the canary's threshold for 2 minutes.</item>
/// <item><c>SluiceRollbackFailed</c>: a rollback ended as failed (the data is in a state no catalog path restored).</item>
/// </list>
/// Each rule is unit-tested with <c>promtool test rules</c> in <c>monitoring/tests/sluice-alerts.test.yml</c>.
/// </summary>
public static class SluiceAlerts
{
    public const string BackfillStalled = "SluiceBackfillStalled";
    public const string ReplicationLagAboveLimit = "SluiceReplicationLagAboveLimit";
    public const string PartialStateTooLong = "SluicePartialStateTooLong";
    public const string CanaryFailing = "SluiceCanaryFailing";
    public const string RollbackFailed = "SluiceRollbackFailed";

    private const string Warning = "warning";
    private const string Critical = "critical";

    public static IReadOnlyList<AlertingRule> Rules { get; } =
    [
        Rule(BackfillStalled, "5m", Warning,
            $"(max by ({DeploymentEnvironment}, {Plan}, {Phase}) ({BackfillActive.PrometheusName}) > 0)"
            + $" unless on ({DeploymentEnvironment}, {Plan}, {Phase}) (sum by ({DeploymentEnvironment}, {Plan}, {Phase}) (increase({RowsBackfilled.PrometheusName}[10m])) > 0)",
            "Backfill {{ $labels.plan }} / {{ $labels.phase }} on {{ $labels.environment }} is stalled",
            "The backfill phase is running but wrote no row in the last 10 minutes. Look at lock waits and throttle pauses; ./build.sh Status --env {{ $labels.environment }} shows its checkpoint."),
        Rule(ReplicationLagAboveLimit, "5m", Warning,
            AboveLimit(ReplicationLag.PrometheusName, ReplicationLagLimit, [DeploymentEnvironment, Plan], [DeploymentEnvironment, Plan]),
            "Replication lag on {{ $labels.environment }} is above the limit of plan {{ $labels.plan }}",
            "A replica lags {{ $value | humanizeDuration }} behind, more than the plan allows, for 5 minutes; the backfill is paused while it does."),
        Rule(PartialStateTooLong, "1m", Critical,
            AboveLimit(PartialStateDuration.PrometheusName, PartialStateLimit, [DeploymentEnvironment, Plan], [DeploymentEnvironment, Plan]),
            "Plan {{ $labels.plan }} on {{ $labels.environment }} is half-migrated longer than max_partial_state",
            "The plan has been half-migrated for {{ $value | humanizeDuration }}. Finish it (./build.sh Promote) or roll it back (./build.sh Rollback)."),
        Rule(CanaryFailing, "2m", Critical,
            AboveLimit($"{CanaryErrorRate.PrometheusName}{{{Role}=\"{Roles.Canary}\"}}", CanaryErrorRateLimit, [DeploymentEnvironment, Service, ServiceVersion], [DeploymentEnvironment, Service]),
            "Canary {{ $labels.version }} of {{ $labels.service }} on {{ $labels.environment }} is failing",
            "The canary's error rate is {{ $value | humanizePercentage }}, above its threshold, for 2 minutes; Sluice routes traffic back to the baseline when its analysis agrees."),
        Rule(RollbackFailed, "0m", Critical,
            $"max by ({DeploymentEnvironment}, {Plan}) ({Rollbacks.PrometheusName}{{{Outcome}=\"{Outcomes.Failed}\"}}) > 0",
            "A rollback of plan {{ $labels.plan }} on {{ $labels.environment }} failed",
            "The revert path did not restore the plan's previous state. ./build.sh Status --env {{ $labels.environment }} shows what ran; restore the verified snapshot if the revert cannot be completed."),
    ];

    public static PrometheusRuleFile File { get; } = new([new PrometheusRuleGroup("sluice", Rules)]);

    /// <summary>The highest value per <paramref name="by"/> above the limit of its <paramref name="limitBy"/> group
    /// (several values, such as versions, may share one limit).</summary>
    private static string AboveLimit(string value, MetricDefinition limit, string[] by, string[] limitBy)
    {
        var on = string.Join(", ", limitBy);
        var groupLeft = by.Length > limitBy.Length ? " group_left" : "";
        return $"max by ({string.Join(", ", by)}) ({value}) > on ({on}){groupLeft} max by ({on}) ({limit.PrometheusName})";
    }

    private static AlertingRule Rule(string name, string forDuration, string severity, string expr, string summary, string description) =>
        new(name, expr, forDuration,
            new Dictionary<string, string> { ["severity"] = severity },
            new Dictionary<string, string> { ["summary"] = summary, ["description"] = description });
}
