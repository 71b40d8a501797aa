using System.Data.Common;
using System.Diagnostics;
using Sluice.Errors;

namespace Sluice.Observability.Tracing;

/// <summary>
/// The <c>Sluice</c> activity source of the domain: spans for plans, phases, backfill batch groups, gates, snapshots
/// and rollbacks. A span only exists while something listens (an exporter, a test's listener); without one every
/// <c>Start*</c> returns null and costs a branch. The engine's run and target spans use the same source name, so the
/// two nest into one trace; Npgsql's own spans start under whichever of these is current.
/// </summary>
public static class SluiceActivities
{
    public const string SourceName = "Sluice";

    // One immutable source for the process, as ActivitySource is meant to be used: listeners attach to it by name.
    private static readonly ActivitySource Source = new(SourceName);

    /// <summary>A plan's run on an environment: <c>deployment.*</c> with the plan as the deployment's name.</summary>
    public static Activity? StartPlan(string environment, string planId, TracedDatabase? database)
    {
        var activity = Source.StartActivity($"migrate {planId}");
        activity?.SetTag(SemanticAttributes.DeploymentEnvironmentName, environment)
            .SetTag(SemanticAttributes.DeploymentName, planId)
            .SetTag(SemanticAttributes.Plan, planId);
        return Database(activity, database);
    }

    /// <summary>One phase applied or reverted (<paramref name="operation"/>: <c>up</c>, <c>down</c>).</summary>
    public static Activity? StartPhase(string environment, string planId, string phase, string kind, string operation, TracedDatabase? database,
        string? table = null)
    {
        var activity = Source.StartActivity($"{kind} {operation} {planId}/{phase}");
        activity?.SetTag(SemanticAttributes.DeploymentEnvironmentName, environment)
            .SetTag(SemanticAttributes.Plan, planId)
            .SetTag(SemanticAttributes.Phase, phase)
            .SetTag(SemanticAttributes.PhaseKind, kind)
            .SetTag(SemanticAttributes.DbOperationName, operation)
            .SetTag(SemanticAttributes.DbCollectionName, table);
        return Database(activity, database);
    }

    /// <summary>A group of consecutive backfill batches: one span per group, not per batch, so a backfill of a million
    /// batches stays a readable trace and the span costs nothing measurable against the batches' own time.</summary>
    public static Activity? StartBatchGroup(string planId, string phase, string table, TracedDatabase? database)
    {
        var activity = Source.StartActivity($"UPDATE {table}");
        activity?.SetTag(SemanticAttributes.Plan, planId)
            .SetTag(SemanticAttributes.Phase, phase)
            .SetTag(SemanticAttributes.DbOperationName, "UPDATE")
            .SetTag(SemanticAttributes.DbCollectionName, table);
        return Database(activity, database);
    }

    /// <summary>Ends a batch group with what it did.</summary>
    public static void EndBatchGroup(Activity? activity, int batches, long rows)
    {
        activity?.SetTag(SemanticAttributes.BatchCount, batches).SetTag(SemanticAttributes.DbOperationBatchSize, rows);
        activity?.Dispose();
    }

    /// <summary>One gate's evaluation; <see cref="EndGate"/> records its verdict.</summary>
    public static Activity? StartGate(string environment, string gate) =>
        Source.StartActivity($"gate {gate}")?.SetTag(SemanticAttributes.DeploymentEnvironmentName, environment).SetTag(SemanticAttributes.Gate, gate);

    public static void EndGate(Activity? activity, string verdict)
    {
        activity?.SetTag(SemanticAttributes.GateVerdict, verdict);
        if (verdict == MetricLabels.Verdicts.Fail) activity?.SetStatus(ActivityStatusCode.Error, "gate failed");
        activity?.Dispose();
    }

    /// <summary>The snapshot taken and verified before a release changes anything.</summary>
    public static Activity? StartSnapshot(string environment) =>
        Source.StartActivity("snapshot")?.SetTag(SemanticAttributes.DeploymentEnvironmentName, environment);

    /// <summary>A rollback of a plan; <see cref="SetOutcome"/> records how it ended.</summary>
    public static Activity? StartRollback(string environment, string? planId) =>
        Source.StartActivity($"rollback {planId ?? "latest"}")?.SetTag(SemanticAttributes.DeploymentEnvironmentName, environment)
            .SetTag(SemanticAttributes.Plan, planId);

    /// <summary>Marks a release's span succeeded or failed (<c>deployment.status</c>).</summary>
    public static void SetDeploymentStatus(Activity? activity, bool succeeded) =>
        activity?.SetTag(SemanticAttributes.DeploymentStatus, succeeded ? "succeeded" : "failed");

    public static void SetOutcome(Activity? activity, string outcome) => activity?.SetTag(SemanticAttributes.RollbackOutcome, outcome);

    /// <summary>
    /// Marks <paramref name="activity"/> failed by <paramref name="error"/>: status Error, <c>error.type</c> (the SQLSTATE when
    /// the database raised it, else Sluice's code, else the exception's type) and <c>db.response.status_code</c> with
    /// the SQLSTATE found anywhere in its causes.
    /// </summary>
    public static void RecordFailure(Activity? activity, Exception error)
    {
        if (activity is null) return;
        var sqlState = SqlStateOf(error);
        activity.SetStatus(ActivityStatusCode.Error, error.Message);
        activity.SetTag(SemanticAttributes.DbResponseStatusCode, sqlState);
        activity.SetTag(SemanticAttributes.ErrorType, sqlState ?? (error as SluiceException)?.Code ?? error.GetType().FullName);
    }

    /// <summary>The SQLSTATE of the first database error among <paramref name="error"/> and its causes.</summary>
    public static string? SqlStateOf(Exception? error)
    {
        for (var e = error; e is not null; e = e.InnerException)
            if (e is DbException { SqlState: { Length: > 0 } state }) return state;
        return null;
    }

    private static Activity? Database(Activity? activity, TracedDatabase? database) =>
        database is null ? activity : activity?.SetTag(SemanticAttributes.DbSystemName, database.System).SetTag(SemanticAttributes.DbNamespace, database.Namespace);
}
