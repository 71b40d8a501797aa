using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using Azure.Core;
using Azure.ResourceManager;
using Sluice.Azure.Traffic;
using Sluice.Errors;
using Sluice.Snapshots.Cloud;

namespace Sluice.Azure.Snapshots;

/// <summary>
/// One Azure Database for PostgreSQL Flexible Server's on-demand backups and the servers restored from them, as plain
/// ARM JSON through <see cref="ArmClient"/>'s pipeline (its token, and its retries, which honour 429 and
/// <c>Retry-After</c>): PUT/GET/DELETE <c>flexibleServers/{server}/backups/{name}</c>, a point-in-time restore to a new
/// server (PUT <c>flexibleServers/{copy}</c> with <c>createMode: PointInTimeRestore</c>), GET, list and DELETE servers.
/// A long-running PUT answers <c>Azure-AsyncOperation</c> (else <c>Location</c>); while this process knows that
/// address it asks it first, so a failure halfway is seen as <see cref="CloudState.Failed"/> with ARM's error.
/// <list type="number">
/// <item>A server is available when its <c>state</c> is <c>Ready</c>, deleting when <c>Dropping</c>, else pending; a
/// 404 is gone.</item>
/// <item>A backup is available when GET finds it, gone on a 404; its operation's <c>Failed</c> or <c>Canceled</c> is failed.</item>
/// <item>401/403 are <c>SLU285</c>; a 429 still answered after the pipeline's retries is <c>SLU289</c>; any other
/// error is <c>SLU284</c> with ARM's code and message.</item>
/// </list>
/// Backups take no tags at ARM: the plan and run are in the manifest and on the copies.
/// </summary>
internal sealed class FlexibleServerSnapshotProvider(ArmJsonRequests arm, string subscription, string group, string server) : ICloudSnapshotProvider
{
    public const string ApiVersion = "2025-08-01";

    private readonly ConcurrentDictionary<string, RequestUriBuilder> _operations = new(StringComparer.Ordinal);

    private string Group => $"/subscriptions/{subscription}/resourceGroups/{group}/providers/Microsoft.DBforPostgreSQL/flexibleServers";

    private string ServerPath(string name) => $"{Group}/{name}";

    private string BackupPath(string name) => $"{ServerPath(server)}/backups/{name}";

    public CloudProviderKind Kind => CloudProviderKind.AzureFlexible;

    public string Describe() => $"azure flexible server {server} (resource group {group})";

    public async Task<CloudResource> StartSnapshotAsync(string name, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken)
    {
        var (_, _, _, headers) = await CallAsync("create the on-demand backup", RequestMethod.Put, Path(BackupPath(name)), new JsonObject(), cancellationToken);
        Remember(name, headers);
        return new CloudResource(name, CloudState.Pending, "InProgress");
    }

    public async Task<CloudResource> DescribeSnapshotAsync(string name, CancellationToken cancellationToken)
    {
        if (await OperationAsync(name, cancellationToken) is { } running) return running;
        var (status, body, _, _) = await CallAsync("read the backup", RequestMethod.Get, Path(BackupPath(name)), null, cancellationToken, allowNotFound: true);
        if (status == 404) return CloudResource.Gone(name);
        return new CloudResource(name, CloudState.Available, "Succeeded", CreatedAt: Time(body?["properties"]?["completedTime"]));
    }

    public Task DeleteSnapshotAsync(string name, CancellationToken cancellationToken) =>
        CallAsync("delete the backup", RequestMethod.Delete, Path(BackupPath(name)), null, cancellationToken, allowNotFound: true);

    public async Task<CloudResource> StartCopyAsync(string snapshot, DateTimeOffset snapshotTime, string copy, string instanceClass,
        IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken)
    {
        var (_, source, _, _) = await CallAsync("read the source server", RequestMethod.Get, Path(ServerPath(server)), null, cancellationToken);
        var allTags = new JsonObject();
        foreach (var (key, value) in tags) allTags[key] = value;
        allTags[CloudTags.CopyOf] = server;
        var body = new JsonObject
        {
            ["location"] = source?["location"]?.GetValue<string>(),
            ["tags"] = allTags,
            ["sku"] = new JsonObject { ["name"] = instanceClass, ["tier"] = TierOf(instanceClass) },
            ["properties"] = new JsonObject
            {
                ["createMode"] = "PointInTimeRestore",
                ["sourceServerResourceId"] = ServerPath(server),
                // The backup proves the point is restorable; the point itself is when the fingerprint was taken.
                ["pointInTimeUTC"] = snapshotTime.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            },
        };
        var (_, _, _, headers) = await CallAsync("create the restored server", RequestMethod.Put, Path(ServerPath(copy)), body, cancellationToken);
        Remember(copy, headers);
        return new CloudResource(copy, CloudState.Pending, "Provisioning");
    }

    public async Task<CloudResource> DescribeCopyAsync(string copy, CancellationToken cancellationToken)
    {
        if (await OperationAsync(copy, cancellationToken) is { State: CloudState.Failed } failed) return failed;
        var (status, body, _, _) = await CallAsync("read the restored server", RequestMethod.Get, Path(ServerPath(copy)), null, cancellationToken, allowNotFound: true);
        return status == 404 ? CloudResource.Gone(copy) : Server(body!);
    }

    public async Task DeleteCopyAsync(string copy, CancellationToken cancellationToken)
    {
        _operations.TryRemove(copy, out _);
        await CallAsync("delete the restored server", RequestMethod.Delete, Path(ServerPath(copy)), null, cancellationToken, allowNotFound: true);
    }

    public async Task<IReadOnlyList<CloudResource>> ListCopiesAsync(CancellationToken cancellationToken)
    {
        var copies = new List<CloudResource>();
        var next = Path(Group);
        while (next is not null)
        {
            var (_, body, _, _) = await CallAsync("list the servers", RequestMethod.Get, next, null, cancellationToken);
            copies.AddRange((body?["value"]?.AsArray() ?? []).OfType<JsonObject>().Select(Server)
                .Where(c => c.Tags is { } tags && tags.TryGetValue(CloudTags.CopyOf, out var of) && of == server));
            next = body?["nextLink"]?.GetValue<string>() is { Length: > 0 } link ? Absolute(link) : null;
        }
        return copies;
    }

    public string DeleteCopyCommand(string copy) =>
        $"az postgres flexible-server delete --subscription {subscription} --resource-group {group} --name {copy} --yes";

    /// <summary>The state of the long-running PUT this process started for <paramref name="name"/>, while it runs or once it failed; null when none is known or it succeeded.</summary>
    private async Task<CloudResource?> OperationAsync(string name, CancellationToken cancellationToken)
    {
        if (!_operations.TryGetValue(name, out var operation)) return null;
        var (status, body, _, _) = await CallAsync("read the operation", RequestMethod.Get, operation, null, cancellationToken, allowNotFound: true);
        var said = body?["status"]?.GetValue<string>() ?? (status == 202 ? "InProgress" : "Succeeded");
        if (said is "Failed" or "Canceled")
        {
            var error = body?["error"];
            return new CloudResource(name, CloudState.Failed, $"{said}: {error?["code"]} {error?["message"]}".TrimEnd());
        }
        if (said == "Succeeded" || status == 404)
        {
            _operations.TryRemove(name, out _);
            return null;
        }
        return new CloudResource(name, CloudState.Pending, said);
    }

    private void Remember(string name, ResponseHeaders headers)
    {
        var address = headers.TryGetValue("Azure-AsyncOperation", out var asyncOperation) ? asyncOperation
            : headers.TryGetValue("Location", out var location) ? location : null;
        if (address is not null) _operations[name] = Absolute(address);
    }

    private async Task<(int Status, JsonObject? Body, string Text, ResponseHeaders Headers)> CallAsync(string what, RequestMethod method, RequestUriBuilder uri,
        JsonObject? body, CancellationToken cancellationToken, bool allowNotFound = false)
    {
        (int Status, JsonObject? Body, string Text, ResponseHeaders Headers) response;
        try
        {
            response = await arm.SendAsync(method, uri, body, ErrorKind.Failure, cancellationToken);
        }
        catch (SluiceException e) when (e.Code == ErrorCodes.RouterForbidden)
        {
            throw new SluiceException(ErrorKind.Failure, ErrorCodes.CloudForbidden, $"no Azure token to {what}: {e.Message}",
                "sign in (az login), or give the runner a managed identity or a federated credential (DefaultAzureCredential's chain)", inner: e);
        }
        catch (SluiceException e) when (e.Code == ErrorCodes.RouterUnreachable)
        {
            throw new SluiceException(ErrorKind.Failure, ErrorCodes.CloudApiFailed, $"Azure Resource Manager could not be reached to {what}: {e.Message}",
                "check the endpoint (the cloud) and the network path to it", inner: e);
        }
        if (response.Status is >= 200 and < 300 || (allowNotFound && response.Status == 404)) return response;
        var (code, message) = (response.Body?["error"]?["code"]?.GetValue<string>() ?? $"HTTP{response.Status}", response.Body?["error"]?["message"]?.GetValue<string>() ?? "");
        throw response.Status switch
        {
            401 or 403 => new SluiceException(ErrorKind.Failure, ErrorCodes.CloudForbidden, $"Azure refused to {what} on {Describe()} ({code}: {message})",
                "give the runner's identity the actions docs/cloud.md lists for this operation"),
            429 => new SluiceException(ErrorKind.Failure, ErrorCodes.CloudThrottled, $"Azure kept throttling the request to {what} ({code}: {message})",
                "run again later; ARM's limits are per subscription and principal"),
            _ => new SluiceException(ErrorKind.Failure, ErrorCodes.CloudApiFailed, $"Azure failed to {what} on {Describe()} (HTTP {response.Status}, {code}: {message})",
                "see ARM's message; docs/cloud.md lists what each operation needs"),
        };
    }

    private RequestUriBuilder Path(string path)
    {
        var uri = new RequestUriBuilder();
        uri.Reset(new Uri(arm.EndpointAddress));
        uri.AppendPath(path, escape: false);
        uri.AppendQuery("api-version", ApiVersion, true);
        return uri;
    }

    private static RequestUriBuilder Absolute(string address)
    {
        var uri = new RequestUriBuilder();
        uri.Reset(new Uri(address));
        return uri;
    }

    private static CloudResource Server(JsonObject server)
    {
        var properties = server["properties"];
        var state = properties?["state"]?.GetValue<string>() ?? "";
        var tags = (server["tags"] as JsonObject ?? []).ToDictionary(t => t.Key, t => t.Value?.GetValue<string>() ?? "", StringComparer.Ordinal);
        return new CloudResource(server["name"]?.GetValue<string>() ?? "", state switch
        {
            "Ready" => CloudState.Available,
            "Dropping" => CloudState.Deleting,
            _ => CloudState.Pending,
        }, state, properties?["fullyQualifiedDomainName"]?.GetValue<string>(), 5432, Time(properties?["systemData"]?["createdAt"] ?? server["systemData"]?["createdAt"]), tags);
    }

    private static string TierOf(string sku) => sku switch
    {
        _ when sku.StartsWith("Standard_B", StringComparison.Ordinal) => "Burstable",
        _ when sku.StartsWith("Standard_E", StringComparison.Ordinal) => "MemoryOptimized",
        _ => "GeneralPurpose",
    };

    private static DateTimeOffset? Time(JsonNode? node) =>
        node?.GetValue<string>() is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at) ? at : null;
}
