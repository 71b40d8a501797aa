using Amazon.Runtime;
using Sluice.Snapshots.Cloud;

namespace Sluice.Aws.Rds;

/// <summary>
/// Registers RDS with the session provider: an <c>rds</c> environment's snapshots are then RDS manual DB snapshots
/// (<c>new PostgresSessionProvider(logger, [new RdsSnapshots()])</c>). Credentials come from the standard chain
/// (environment, profile, web identity, container and instance roles) unless given.
/// </summary>
/// <param name="credentials">Fixed credentials; null for the standard chain.</param>
/// <param name="options">Throttling retries; null for <see cref="RdsOptions.Default"/>.</param>
/// <param name="handler">The HTTP handler (a proxy, or a test's); null for the default.</param>
public sealed class RdsSnapshots(AWSCredentials? credentials = null, RdsOptions? options = null, HttpMessageHandler? handler = null,
    TimeProvider? timeProvider = null) : ICloudSnapshotProviderFactory
{
    public CloudProviderKind Kind => CloudProviderKind.Rds;

    public ICloudSnapshotProvider Create(CloudDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var region = definition.Region ?? throw new ArgumentException("an rds cloud definition names its region", nameof(definition));
        var instance = definition.Instance ?? throw new ArgumentException("an rds cloud definition names its instance", nameof(definition));
        var endpoint = definition.Endpoint ?? new Uri($"https://rds.{region}.amazonaws.com/");
        var http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        http.Timeout = TimeSpan.FromSeconds(60);
        var client = new RdsQueryClient(http, endpoint, region, credentials, options ?? RdsOptions.Default, timeProvider ?? TimeProvider.System);
        return new RdsSnapshotProvider(client, instance, region);
    }
}
