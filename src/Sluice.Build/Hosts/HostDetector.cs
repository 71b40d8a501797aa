namespace Sluice.Build;

/// <summary>Picks the host from the environment the run finds itself in.</summary>
internal static class HostDetector
{
    public static BuildHost Create(HostOutput output, TimeProvider? time = null)
    {
        var env = output.Environment;
        if (env.GetValueOrDefault("GITHUB_ACTIONS") is { } gh && gh.Equals("true", StringComparison.OrdinalIgnoreCase))
            return new GitHubActionsHost(output, time);
        if (env.GetValueOrDefault("TF_BUILD") is { } tf && tf.Equals("true", StringComparison.OrdinalIgnoreCase))
            return new AzurePipelinesHost(output, time);
        return new ConsoleHost(output, time);
    }
}
