using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sluice.Environments;

/// <summary>
/// The <c>environment</c> object of <c>.nuke/parameters.&lt;env&gt;.json</c>. Keys are snake_case and unknown keys
/// are rejected, so a typo fails loudly instead of silently falling back to a default.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record EnvironmentSpec
{
    /// <summary>The embedded default used when an environment has no definition: a local cluster.</summary>
    public static EnvironmentSpec LocalDefault { get; } = new() { Provider = EnvironmentProviderKind.Local };

    [JsonPropertyName("provider")]
    public EnvironmentProviderKind Provider { get; init; } = EnvironmentProviderKind.Local;

    /// <summary>For <c>connection</c>, <c>rds</c> and <c>azure_flexible</c>: the name of the environment variable holding the Npgsql connection string.
    /// The secret <c>--database</c> parameter overrides it.</summary>
    [JsonPropertyName("connection_string_variable")]
    public string? ConnectionStringVariable { get; init; }

    /// <summary>For <c>local</c>: the cluster's data folder, relative to the repository root; default <c>.sluice/local/data</c>.</summary>
    [JsonPropertyName("data_dir")]
    public string? DataDir { get; init; }

    /// <summary>For <c>local</c>: a fixed port on 127.0.0.1; default a free port chosen once and remembered.</summary>
    [JsonPropertyName("port")]
    public int? Port { get; init; }

    /// <summary>For <c>local</c>: a streaming replica of the cluster on its own port (see <see cref="ReplicaSpec"/>).</summary>
    [JsonPropertyName("replica")]
    public ReplicaSpec? Replica { get; init; }

    /// <summary>For <c>local</c>: a data profile (relative to the repository root) whose synthetic rows fill the
    /// service's database when it is created, so a local copy of a later environment holds data shaped like production's
    /// (statistics only, never a row of it). Read by the seeding step of the service's build.</summary>
    [JsonPropertyName("synthetic_data")]
    public string? SyntheticData { get; init; }

    /// <summary>For <c>local</c> and <c>testcontainers</c>: the database to create; default the service's name
    /// (<c>--service</c> or the only service), else <c>sluice</c>. See <see cref="DatabaseChoice"/>.</summary>
    [JsonPropertyName("database")]
    public string? Database { get; init; }

    /// <summary>How long the environment's lease outlives its holder's last heartbeat, as a duration (<c>90s</c>,
    /// <c>2m</c>; 3 s to 1 h); default 60 s. A killed holder whose session is gone is taken over at once anyway; this
    /// bounds the wait only for a holder that went silent while its session may still act.</summary>
    [JsonPropertyName("lease_ttl")]
    [JsonConverter(typeof(LeaseTtlJsonConverter))]
    public TimeSpan? LeaseTtl { get; init; }

    /// <summary>Position in the promotion order (local 0, staging 1, production 2, ...).</summary>
    [JsonPropertyName("order")]
    public int? Order { get; init; }

    /// <summary>A protected environment needs approvals and a verified snapshot before anything changes it.</summary>
    [JsonPropertyName("protected")]
    public bool Protected { get; init; }

    /// <summary>Gate configuration; its shape belongs to the gates issue, kept raw until then.</summary>
    [JsonPropertyName("gates")]
    public JsonElement? Gates { get; init; }

    /// <summary>The canary: kept raw here and read by <see cref="Canary.Definition.CanaryDefinitionReader"/>, which
    /// <see cref="EnvironmentSpecReader.Validate"/> calls so a bad one fails with the rest.</summary>
    [JsonPropertyName("canary")]
    public JsonElement? Canary { get; init; }

    /// <summary>For <c>rds</c> and <c>azure_flexible</c>: which instance or server, and what its verification copies may
    /// cost; kept raw here and read by <see cref="Snapshots.Cloud.CloudDefinitionReader"/>, which
    /// <see cref="EnvironmentSpecReader.Validate"/> calls so a bad one fails with the rest.</summary>
    [JsonPropertyName("cloud")]
    public JsonElement? Cloud { get; init; }

    /// <summary>Whether the provider is a managed service whose own snapshots Sluice takes (<c>rds</c>, <c>azure_flexible</c>).</summary>
    [JsonIgnore]
    public bool IsCloud => Provider is EnvironmentProviderKind.Rds or EnvironmentProviderKind.AzureFlexible;

    /// <summary>Change windows and freezes; its shape belongs to the gates issue, kept raw until then.</summary>
    [JsonPropertyName("calendar")]
    public JsonElement? Calendar { get; init; }
}
