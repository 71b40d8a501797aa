using System.Text.Json;

namespace Sluice.Build;

/// <summary>
/// <c>--continue</c>: remembers which targets succeeded in the last run (<c>.nuke/temp/last-run.json</c>), so the same
/// command with <c>--continue</c> skips them and starts at the target that failed or was cancelled.
/// No secret is kept: the invocation is remembered with secret values masked (they are read again from their source,
/// the command line, an environment variable or a parameters file, when the run continues), so "the same command"
/// means the same targets and non-secret arguments; and the file is written through the run's redaction.
/// </summary>
internal static class RunMemory
{
    private sealed record LastRun(string Invocation, string[] Succeeded);

    private static string PathUnder(AbsolutePath root) => System.IO.Path.Combine(root.Value, ".nuke", "temp", "last-run.json");

    /// <summary>The command line that identifies "the same run": everything but <c>--continue</c>, secret values masked.</summary>
    public static string Invocation(CommandLine commandLine) =>
        string.Join(" ", commandLine.Masked.Where(a => !a.Equals("--continue", StringComparison.OrdinalIgnoreCase)));

    public static void Save(AbsolutePath root, string invocation, BuildOutcome outcome, SecretRegistry secrets)
    {
        var succeeded = outcome.Results.Where(r => r.Status == TargetStatus.Succeeded).Select(r => r.Target).ToArray();
        RedactedFiles.Write(PathUnder(root), JsonSerializer.Serialize(new LastRun(invocation, succeeded)), secrets);
    }

    /// <summary>The plan with the previous run's successes skipped, when the previous run was the same command.</summary>
    public static ExecutionPlan Apply(AbsolutePath root, string invocation, ExecutionPlan plan, IBuildHost host)
    {
        var path = PathUnder(root);
        LastRun? last = null;
        try
        {
            if (File.Exists(path)) last = JsonSerializer.Deserialize<LastRun>(File.ReadAllText(path));
        }
        catch (JsonException)
        {
            // A damaged memory is no memory: run everything.
        }
        if (last is null || last.Invocation != invocation)
        {
            host.Warning("--continue: no previous run of this command is remembered; running everything");
            return plan;
        }
        var done = last.Succeeded.ToHashSet(StringComparer.Ordinal);
        return plan with
        {
            Targets = plan.Targets.Select(t => t.StaticSkip is null && done.Contains(t.Name)
                ? t with { StaticSkip = "succeeded in the previous run (--continue)" }
                : t).ToList(),
        };
    }
}
