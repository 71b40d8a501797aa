namespace Sluice.Observability.Tracing;

/// <summary>
/// The OpenTelemetry semantic-convention attribute names Sluice's domain spans carry (semantic-conventions v1.44:
/// model/db/registry.yaml, model/deployment, model/error). The engine's <c>cicd.*</c> names live with the engine.
/// </summary>
public static class SemanticAttributes
{
    public const string DbSystemName = "db.system.name";
    public const string DbNamespace = "db.namespace";
    public const string DbCollectionName = "db.collection.name";
    public const string DbOperationName = "db.operation.name";
    public const string DbOperationBatchSize = "db.operation.batch.size";
    public const string DbResponseStatusCode = "db.response.status_code";
    public const string DeploymentEnvironmentName = "deployment.environment.name";
    public const string DeploymentName = "deployment.name";
    public const string DeploymentStatus = "deployment.status";
    public const string ErrorType = "error.type";

    // Sluice's own attributes, namespaced as the conventions ask of non-standard ones.
    public const string Plan = "sluice.plan.id";
    public const string Phase = "sluice.phase.name";
    public const string PhaseKind = "sluice.phase.kind";
    public const string BatchCount = "sluice.backfill.batches";
    public const string Gate = "sluice.gate.name";
    public const string GateVerdict = "sluice.gate.verdict";
    public const string RollbackOutcome = "sluice.rollback.outcome";
}
