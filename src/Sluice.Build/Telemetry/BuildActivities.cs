using System.Diagnostics;

namespace Sluice.Build;

/// <summary>
/// The run's span (SERVER, <c>RUN {pipeline}</c>) and one span per target that ran (INTERNAL, named after the target),
/// on the <c>Sluice</c> activity source the domain's spans use too. A CI job's <c>TRACEPARENT</c> (and
/// <c>TRACESTATE</c>) makes the run a child of the pipeline's trace, so one release is one trace across jobs and
/// re-dispatched runs. Result values, as the conventions spell them:
/// <code>
/// #  TargetStatus   cicd.pipeline.task.run.result
/// 1  Succeeded      success
/// 2  Skipped        skip
/// 3  Failed         failure   (error.type: the error's SLU code, else its type)
/// 4  TimedOut       timeout
/// 5  Incomplete     timeout   (its time budget ran out after a checkpoint)
/// 6  Cancelled      cancellation
/// 7  NotRun         skip
/// </code>
/// The run's <c>cicd.pipeline.result</c> is <c>success</c> for exit 0, <c>timeout</c> for exit 4, <c>cancellation</c>
/// when a target was cancelled, else <c>failure</c>.
/// </summary>
internal static class BuildActivities
{
    public const string SourceName = "Sluice";

    // One immutable source for the process: listeners attach to it by name.
    private static readonly ActivitySource Source = new(SourceName);

    /// <summary>What the CI system says about this run; locally the pipeline is the build class and the run has no id.</summary>
    internal sealed record CiRun(string Pipeline, string? RunId, string? Url)
    {
        public static CiRun From(IReadOnlyDictionary<string, string> variables, string buildName)
        {
            string? Get(string name) => variables.TryGetValue(name, out var value) && value.Length > 0 ? value : null;
            if (Get("GITHUB_RUN_ID") is { } github)
                return new(Get("GITHUB_WORKFLOW") ?? buildName, github,
                    Get("GITHUB_SERVER_URL") is { } server && Get("GITHUB_REPOSITORY") is { } repository ? $"{server}/{repository}/actions/runs/{github}" : null);
            if (Get("BUILD_BUILDID") is { } azure)
                return new(Get("BUILD_DEFINITIONNAME") ?? buildName, azure,
                    Get("SYSTEM_COLLECTIONURI") is { } collection && Get("SYSTEM_TEAMPROJECT") is { } project
                        ? $"{collection.TrimEnd('/')}/{Uri.EscapeDataString(project)}/_build/results?buildId={azure}" : null);
            return new(buildName, null, null);
        }
    }

    public static Activity? StartRun(CiRun run, string environment, IReadOnlyDictionary<string, string> variables)
    {
        if (!Source.HasListeners()) return null;
        var parent = variables.TryGetValue("TRACEPARENT", out var traceparent)
                     && ActivityContext.TryParse(traceparent, variables.GetValueOrDefault("TRACESTATE"), isRemote: true, out var context)
            ? context
            : default;
        return Source.StartActivity($"RUN {run.Pipeline}", ActivityKind.Server, parent)
            ?.SetTag(CicdAttributes.PipelineName, run.Pipeline)
            .SetTag(CicdAttributes.PipelineRunId, run.RunId)
            .SetTag(CicdAttributes.PipelineRunUrl, run.Url)
            .SetTag(CicdAttributes.PipelineActionName, "RUN")
            .SetTag(CicdAttributes.DeploymentEnvironmentName, environment);
    }

    public static void EndRun(Activity? activity, BuildOutcome? outcome, ExitCode exitCode)
    {
        if (activity is null) return;
        var result = exitCode switch
        {
            ExitCode.Success => "success",
            ExitCode.Incomplete => "timeout",
            _ when outcome?.Results.Any(r => r.Status == TargetStatus.Cancelled) == true => "cancellation",
            _ => "failure",
        };
        activity.SetTag(CicdAttributes.PipelineResult, result);
        if (result != "success" && result != "timeout") activity.SetStatus(ActivityStatusCode.Error, $"exit {(int)exitCode}");
        activity.Dispose();
    }

    public static Activity? StartTarget(BuildTarget target, CiRun? run) =>
        Source.StartActivity(target.Name)
            ?.SetTag(CicdAttributes.TaskName, target.Name)
            .SetTag(CicdAttributes.TaskType, TypeOf(target))
            .SetTag(CicdAttributes.TaskRunId, run?.RunId is { } id ? $"{id}/{target.Name}" : target.Name)
            .SetTag(CicdAttributes.TaskRunUrl, run?.Url);

    public static void EndTarget(Activity? activity, TargetResult result)
    {
        if (activity is null) return;
        activity.SetTag(CicdAttributes.TaskRunResult, ResultOf(result.Status));
        if (result.IsFailure)
        {
            activity.SetTag(CicdAttributes.ErrorType, (result.Error as BuildException)?.Code ?? result.Error?.GetType().FullName ?? result.Status.ToString());
            activity.SetStatus(ActivityStatusCode.Error, result.Note);
        }
        activity.Dispose();
    }

    public static string ResultOf(TargetStatus status) => status switch
    {
        TargetStatus.Succeeded => "success",
        TargetStatus.Skipped or TargetStatus.NotRun => "skip",
        TargetStatus.Failed => "failure",
        TargetStatus.TimedOut or TargetStatus.Incomplete => "timeout",
        TargetStatus.Cancelled => "cancellation",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    /// <summary>A target that acts on an environment deploys; one named for tests tests; the rest build.</summary>
    private static string TypeOf(BuildTarget target) =>
        target.ActsOnEnvironment ? "deploy" : target.Name.Contains("Test", StringComparison.Ordinal) ? "test" : "build";
}
