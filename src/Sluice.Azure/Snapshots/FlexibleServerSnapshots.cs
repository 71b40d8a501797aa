using Azure.Core;
using Azure.Identity;
using Azure.ResourceManager;
using Sluice.Azure.Traffic;
using Sluice.Snapshots.Cloud;

namespace Sluice.Azure.Snapshots;

/// <summary>
/// Registers Azure Database for PostgreSQL Flexible Server with the session provider: an <c>azure_flexible</c>
/// environment's snapshots are then on-demand backups verified by a point-in-time restore to a throwaway server
/// (<c>new PostgresSessionProvider(logger, [new FlexibleServerSnapshots()])</c>). The credential is
/// <see cref="DefaultAzureCredential"/> unless given.
/// </summary>
/// <param name="credential">The credential; null for <see cref="DefaultAzureCredential"/>.</param>
/// <param name="options">ARM client options (retries, transport, cloud); the <c>cloud.endpoint</c> of a definition wins over their environment.</param>
public sealed class FlexibleServerSnapshots(TokenCredential? credential = null, ArmClientOptions? options = null) : ICloudSnapshotProviderFactory
{
    public CloudProviderKind Kind => CloudProviderKind.AzureFlexible;

    public ICloudSnapshotProvider Create(CloudDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var subscription = definition.Subscription ?? throw new ArgumentException("an azure_flexible cloud definition names its subscription", nameof(definition));
        var group = definition.ResourceGroup ?? throw new ArgumentException("an azure_flexible cloud definition names its resource group", nameof(definition));
        var server = definition.Server ?? throw new ArgumentException("an azure_flexible cloud definition names its server", nameof(definition));
        var armOptions = options ?? new ArmClientOptions();
        if (definition.Endpoint is { } endpoint) armOptions.Environment = new ArmEnvironment(endpoint, ArmEnvironment.AzurePublicCloud.Audience);
        var client = new ArmClient(credential ?? new DefaultAzureCredential(), subscription, armOptions);
        var id = new ResourceIdentifier($"/subscriptions/{subscription}/resourceGroups/{group}/providers/Microsoft.DBforPostgreSQL/flexibleServers/{server}");
        return new FlexibleServerSnapshotProvider(new ArmJsonRequests(client, id), subscription, group, server);
    }
}
