namespace Sluice.Build;

/// <summary>The OpenTelemetry CICD semantic conventions (semantic-conventions v1.44, model/cicd/registry.yaml;
/// docs/cicd/cicd-spans.md) the engine's run and target spans carry.</summary>
public static class CicdAttributes
{
    public const string PipelineName = "cicd.pipeline.name";
    public const string PipelineRunId = "cicd.pipeline.run.id";
    public const string PipelineRunUrl = "cicd.pipeline.run.url.full";
    public const string PipelineResult = "cicd.pipeline.result";
    public const string PipelineActionName = "cicd.pipeline.action.name";
    public const string TaskName = "cicd.pipeline.task.name";
    public const string TaskRunId = "cicd.pipeline.task.run.id";
    public const string TaskRunUrl = "cicd.pipeline.task.run.url.full";
    public const string TaskRunResult = "cicd.pipeline.task.run.result";
    public const string TaskType = "cicd.pipeline.task.type";
    public const string DeploymentEnvironmentName = "deployment.environment.name";
    public const string ErrorType = "error.type";
}
