using System.Text.Json.Serialization;
using Sluice.Canary.Definition;

namespace Sluice.Snapshots.Cloud;

/// <summary>
/// The <c>cloud</c> object of an <c>rds</c> or <c>azure_flexible</c> environment: which instance or server Sluice
/// snapshots, where its API is, and the cost guard on the copies a verification restores (snake_case, unknown keys
/// rejected). Read and checked by <see cref="CloudDefinitionReader"/>.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record CloudDefinition
{
    /// <summary>For <c>rds</c>: the DB instance identifier (<c>shop-prod</c>).</summary>
    [JsonPropertyName("instance")]
    public string? Instance { get; init; }

    /// <summary>For <c>rds</c>: the AWS region (<c>eu-west-1</c>).</summary>
    [JsonPropertyName("region")]
    public string? Region { get; init; }

    /// <summary>For <c>azure_flexible</c>: the subscription id.</summary>
    [JsonPropertyName("subscription")]
    public string? Subscription { get; init; }

    /// <summary>For <c>azure_flexible</c>: the resource group of the server (its copies go there too).</summary>
    [JsonPropertyName("resource_group")]
    public string? ResourceGroup { get; init; }

    /// <summary>For <c>azure_flexible</c>: the flexible server's name.</summary>
    [JsonPropertyName("server")]
    public string? Server { get; init; }

    /// <summary>The API's address when it is not the public one (a VPC or private endpoint, a local fake); https only,
    /// except on a loopback address.</summary>
    [JsonPropertyName("endpoint")]
    public Uri? Endpoint { get; init; }

    /// <summary>The instance class (RDS) or SKU (Azure) of a verification copy; default the provider's smallest usual one.</summary>
    [JsonPropertyName("copy_class")]
    public string? CopyClass { get; init; }

    /// <summary>Cost guard: the largest class a copy may have; default <see cref="CopyClass"/>.</summary>
    [JsonPropertyName("max_copy_class")]
    public string? MaxCopyClass { get; init; }

    /// <summary>Cost guard: how long a copy may live; a sweep deletes tagged copies older than this. Default 2 h.</summary>
    [JsonPropertyName("max_copy_lifetime")]
    [JsonConverter(typeof(DurationJsonConverter))]
    public TimeSpan MaxCopyLifetime { get; init; } = TimeSpan.FromHours(2);

    /// <summary>How long Sluice waits for a snapshot or a restore to become available. Default 1 h, at most
    /// <see cref="MaxCopyLifetime"/>.</summary>
    [JsonPropertyName("operation_timeout")]
    [JsonConverter(typeof(DurationJsonConverter))]
    public TimeSpan OperationTimeout { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Rehearse may run on a restored copy of this environment's real data (<c>Rehearse --from-snapshot</c>);
    /// off by default, because the copy holds production data.</summary>
    [JsonPropertyName("rehearse_on_copy")]
    public bool RehearseOnCopy { get; init; }

    /// <summary>The class copies are made with: <see cref="CopyClass"/> or the provider's default.</summary>
    public string EffectiveCopyClass(CloudProviderKind kind) => CopyClass ?? InstanceClassSize.DefaultCopyClass(kind);
}
