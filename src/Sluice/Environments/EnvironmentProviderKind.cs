using System.Text.Json.Serialization;

namespace Sluice.Environments;

/// <summary>Where an environment's database comes from; written in snake_case in <c>.nuke/parameters.&lt;env&gt;.json</c>.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<EnvironmentProviderKind>))]
public enum EnvironmentProviderKind
{
    /// <summary>A PostgreSQL cluster run from the machine's own binaries under <c>.sluice/local/</c> (the default).</summary>
    [JsonStringEnumMemberName("local")]
    Local,

    /// <summary>An existing server reached through a connection string held in an environment variable.</summary>
    [JsonStringEnumMemberName("connection")]
    Connection,

    /// <summary>A throwaway PostgreSQL container (needs Docker and the Sluice.Testcontainers package).</summary>
    [JsonStringEnumMemberName("testcontainers")]
    Testcontainers,
}
