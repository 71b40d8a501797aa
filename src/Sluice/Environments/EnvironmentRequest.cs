namespace Sluice.Environments;

/// <summary>What a provider needs to build one environment.</summary>
/// <param name="Name">The environment's name, from <c>--env</c>.</param>
/// <param name="Spec">Its definition (the embedded local default when the profile has none).</param>
/// <param name="RepositoryRoot">The folder holding <c>.nuke/</c>; local clusters live under its <c>.sluice/</c>.</param>
/// <param name="Variables">The process environment, for <c>connection_string_variable</c>.</param>
/// <param name="DatabaseOverride">The secret <c>--database</c> value, which wins over the spec.</param>
/// <param name="ServiceName">The service being shipped (<c>--service</c>, or the only one); names the default database.</param>
public sealed record EnvironmentRequest(
    string Name,
    EnvironmentSpec Spec,
    string RepositoryRoot,
    IReadOnlyDictionary<string, string> Variables,
    string? DatabaseOverride = null,
    string? ServiceName = null)
{
    /// <summary>The database a provider creates, and why (see <see cref="DatabaseChoice"/>).</summary>
    public DatabaseChoice Database => DatabaseChoice.For(Spec.Database, ServiceName);

    /// <summary>The name of <see cref="Database"/>.</summary>
    public string DatabaseName => Database.Name;

    /// <summary>Reads the current process environment into a dictionary.</summary>
    public static IReadOnlyDictionary<string, string> ProcessVariables()
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry entry in System.Environment.GetEnvironmentVariables())
            if (entry.Value is string value) variables[(string)entry.Key] = value;
        return variables;
    }
}
