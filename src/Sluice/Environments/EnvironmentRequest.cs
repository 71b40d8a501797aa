namespace Sluice.Environments;

/// <summary>What a provider needs to build one environment.</summary>
/// <param name="Name">The environment's name, from <c>--env</c>.</param>
/// <param name="Spec">Its definition (the embedded local default when the profile has none).</param>
/// <param name="RepositoryRoot">The folder holding <c>.nuke/</c>; local clusters live under its <c>.sluice/</c>.</param>
/// <param name="Variables">The process environment, for <c>connection_string_variable</c>.</param>
/// <param name="DatabaseOverride">The secret <c>--database</c> value, which wins over the spec.</param>
/// <param name="ServiceName">The service being shipped; names the default database.</param>
public sealed record EnvironmentRequest(
    string Name,
    EnvironmentSpec Spec,
    string RepositoryRoot,
    IReadOnlyDictionary<string, string> Variables,
    string? DatabaseOverride = null,
    string? ServiceName = null)
{
    /// <summary>The database name a provider creates: the spec's, else the service name, else <c>sluice</c>.</summary>
    public string DatabaseName => Spec.Database ?? ServiceName ?? "sluice";

    /// <summary>Reads the current process environment into a dictionary.</summary>
    public static IReadOnlyDictionary<string, string> ProcessVariables()
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry entry in System.Environment.GetEnvironmentVariables())
            if (entry.Value is string value) variables[(string)entry.Key] = value;
        return variables;
    }
}
