using System.Text.Json;
using Sluice.Environments;
using Sluice.Errors;

namespace Sluice.Snapshots.Cloud;

/// <summary>
/// Reads the <c>cloud</c> object of an environment and checks it before any API is called. Every error is a usage
/// error <c>SLU282</c> (exit 2) naming the parameters file and the line of the key at fault, except the cost guard's
/// <c>SLU283</c>.
/// <list type="number">
/// <item>A <c>cloud</c> object belongs to providers <c>rds</c> and <c>azure_flexible</c> only, and they need one.</item>
/// <item><c>rds</c> needs <c>instance</c> and <c>region</c>, and takes no <c>subscription</c>, <c>resource_group</c> or <c>server</c>.</item>
/// <item><c>azure_flexible</c> needs <c>subscription</c>, <c>resource_group</c> and <c>server</c>, and takes no <c>instance</c> or <c>region</c>.</item>
/// <item>An <c>endpoint</c> is an absolute https address, or http on a loopback address (a local fake).</item>
/// <item><c>copy_class</c> and <c>max_copy_class</c> are of the provider's shape (<see cref="InstanceClassSize"/>).</item>
/// <item>Cost guard: <c>copy_class</c> is no larger than <c>max_copy_class</c> (<c>SLU283</c>).</item>
/// <item>Cost guard: <c>max_copy_lifetime</c> is at most 24 h, and <c>operation_timeout</c> at most <c>max_copy_lifetime</c>
/// (a copy is never waited for longer than it may live; <c>SLU283</c>).</item>
/// </list>
/// </summary>
public static class CloudDefinitionReader
{
    private const string Remedy = "see docs/cloud.md, \"The cloud object\"";

    /// <summary>The longest a copy may live, whatever a definition says: a forgotten copy costs money every hour.</summary>
    public static readonly TimeSpan LifetimeCeiling = TimeSpan.FromHours(24);

    private static readonly JsonSerializerOptions Options = new() { AllowDuplicateProperties = false };

    /// <summary>The environment's cloud definition (rows 1 to 7), or null for a provider that has none.</summary>
    public static CloudDefinition? Read(EnvironmentSpec spec, string? file = null, EnvironmentKeyLines? lines = null)
    {
        var at = new DefinitionObject("cloud", file, lines, ErrorCodes.BadCloudDefinition, Remedy, "provider");
        if (!spec.IsCloud)
        {
            if (spec.Cloud is not null) throw at.Error("'cloud' only applies to providers 'rds' and 'azure_flexible'", "");
            return null;
        }
        if (spec.Cloud is not { ValueKind: JsonValueKind.Object } cloud)
            throw at.Error($"provider '{ProviderName(spec.Provider)}' needs a 'cloud' object naming the {(spec.Provider == EnvironmentProviderKind.Rds ? "instance and region" : "subscription, resource group and server")}", "");
        return Validate(KindOf(spec.Provider), at.Deserialize<CloudDefinition>(cloud, Options, Cleaned), at);
    }

    /// <summary>The provider of an <c>rds</c> or <c>azure_flexible</c> environment.</summary>
    public static CloudProviderKind KindOf(EnvironmentProviderKind provider) => provider switch
    {
        EnvironmentProviderKind.Rds => CloudProviderKind.Rds,
        EnvironmentProviderKind.AzureFlexible => CloudProviderKind.AzureFlexible,
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "not a cloud provider"),
    };

    private static CloudDefinition Validate(CloudProviderKind kind, CloudDefinition d, DefinitionObject at)
    {
        (string Key, string? Value)[] rds = [("instance", d.Instance), ("region", d.Region)];
        (string Key, string? Value)[] azure = [("subscription", d.Subscription), ("resource_group", d.ResourceGroup), ("server", d.Server)];
        var (needed, foreign, name) = kind == CloudProviderKind.Rds ? (rds, azure, "rds") : (azure, rds, "azure_flexible");
        foreach (var (key, value) in needed)
            if (string.IsNullOrWhiteSpace(value)) throw at.Error($"provider '{name}' needs 'cloud.{key}'", key);
        foreach (var (key, value) in foreign)
            if (value is not null) throw at.Error($"'cloud.{key}' does not apply to provider '{name}'", key);
        if (d.Endpoint is { } endpoint && !(endpoint.IsAbsoluteUri && (endpoint.Scheme == Uri.UriSchemeHttps || (endpoint.Scheme == Uri.UriSchemeHttp && endpoint.IsLoopback))))
            throw at.Error($"'cloud.endpoint' {endpoint} must be an absolute https address (http only on a loopback address)", "endpoint");
        var copy = d.EffectiveCopyClass(kind);
        var copySize = SizeOf(kind, copy, "copy_class", at);
        var max = d.MaxCopyClass ?? copy;
        var maxSize = SizeOf(kind, max, "max_copy_class", at);
        if (copySize > maxSize)
            throw at.CostGuard($"'cloud.copy_class' {copy} is larger than 'cloud.max_copy_class' {max}", "copy_class");
        if (d.MaxCopyLifetime > LifetimeCeiling)
            throw at.CostGuard($"'cloud.max_copy_lifetime' {Migrations.Plans.Durations.Format(d.MaxCopyLifetime)} is over the ceiling of 24h", "max_copy_lifetime");
        if (d.OperationTimeout > d.MaxCopyLifetime)
            throw at.CostGuard($"'cloud.operation_timeout' {Migrations.Plans.Durations.Format(d.OperationTimeout)} is longer than 'cloud.max_copy_lifetime' {Migrations.Plans.Durations.Format(d.MaxCopyLifetime)}: a copy would be waited for longer than it may live", "operation_timeout");
        return d;
    }

    private static int SizeOf(CloudProviderKind kind, string instanceClass, string key, DefinitionObject at) =>
        InstanceClassSize.Of(kind, instanceClass)
        ?? throw at.Error($"'cloud.{key}' {instanceClass} is not {(kind == CloudProviderKind.Rds ? "an RDS instance class (db.t4g.micro)" : "an Azure SKU (Standard_B1ms)")}", key);

    private static string Cleaned(string message)
    {
        var cut = message.IndexOf(" Path: ", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }

    private static string ProviderName(EnvironmentProviderKind kind) => JsonSerializer.Serialize(kind).Trim('"');

    /// <summary>The cost guard's own code: the definition is valid, but a copy would cost more than it allows.</summary>
    private static SluiceException CostGuard(this DefinitionObject at, string message, string key) =>
        SluiceException.Usage(ErrorCodes.CloudCostGuard, message,
            "a copy is billed for every hour it lives: keep it small and short-lived, or raise the limit in the cloud object on purpose", at.File, at.Line(key));
}
