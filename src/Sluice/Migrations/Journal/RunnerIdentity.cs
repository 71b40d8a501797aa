namespace Sluice.Migrations.Journal;

/// <summary>Who acts: the user, the machine and, in CI, the run's address, recorded with every phase, event and lease.</summary>
public sealed record RunnerIdentity(string User, string Host, string? CiRunUrl)
{
    public override string ToString() => CiRunUrl is null ? $"{User}@{Host}" : $"{User}@{Host} ({CiRunUrl})";

    /// <summary>Reads the identity from the process environment: GitHub Actions, Azure Pipelines, or a plain machine.</summary>
    public static RunnerIdentity FromEnvironment(IReadOnlyDictionary<string, string> variables, string? machineName = null, string? userName = null)
    {
        string? Get(string name) => variables.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value : null;
        var user = Get("GITHUB_ACTOR") ?? Get("BUILD_REQUESTEDFOREMAIL") ?? Get("USER") ?? Get("USERNAME") ?? userName ?? System.Environment.UserName;
        var host = machineName ?? System.Environment.MachineName;
        return new RunnerIdentity(user, host, RunUrl(Get));
    }

    private static string? RunUrl(Func<string, string?> get)
    {
        if (get("GITHUB_SERVER_URL") is { } server && get("GITHUB_REPOSITORY") is { } repository && get("GITHUB_RUN_ID") is { } run)
        {
            var attempt = get("GITHUB_RUN_ATTEMPT") is { } a ? $"/attempts/{a}" : "";
            return $"{server.TrimEnd('/')}/{repository}/actions/runs/{run}{attempt}";
        }
        if (get("SYSTEM_COLLECTIONURI") is { } collection && get("SYSTEM_TEAMPROJECT") is { } project && get("BUILD_BUILDID") is { } build)
            return $"{collection.TrimEnd('/')}/{Uri.EscapeDataString(project)}/_build/results?buildId={build}";
        return null;
    }
}
