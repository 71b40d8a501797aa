using System.Text.Json.Serialization;

namespace Sluice.Environments;

/// <summary>
/// The <c>replica</c> object of a <c>local</c> environment: a streaming standby of its cluster, made on first use by
/// a base backup through the server's backup functions (no client program, so any supported major) and kept up by a physical replication slot, so replication lag, the backfill's lag throttle and
/// the replica checks act on a real replica (<c>"replica": {}</c> picks a free port and remembers it).
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record ReplicaSpec
{
    /// <summary>A fixed port on 127.0.0.1 for the standby; default a free port chosen once and remembered.</summary>
    [JsonPropertyName("port")]
    public int? Port { get; init; }

    /// <summary>The standby's data folder, relative to the repository root; default <c>replica</c> beside the primary's data folder.</summary>
    [JsonPropertyName("data_dir")]
    public string? DataDir { get; init; }
}
