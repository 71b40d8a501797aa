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

    /// <summary>An Amazon RDS for PostgreSQL instance: reached by connection string like <c>connection</c>, snapshotted
    /// by RDS itself (manual DB snapshots) as the <c>cloud</c> object says (needs the Sluice.Aws package).</summary>
    [JsonStringEnumMemberName("rds")]
    Rds,

    /// <summary>An Azure Database for PostgreSQL Flexible Server: reached by connection string like <c>connection</c>,
    /// snapshotted by Azure (on-demand backups) as the <c>cloud</c> object says (needs the Sluice.Azure package).</summary>
    [JsonStringEnumMemberName("azure_flexible")]
    AzureFlexible,
}
