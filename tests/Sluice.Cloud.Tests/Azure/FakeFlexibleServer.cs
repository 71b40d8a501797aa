using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Sluice.Adapters.Tests.Fakes;
using Sluice.Azure.Snapshots;
using Sluice.Cloud.Tests.Fakes;
using Sluice.Postgres.Clusters;

namespace Sluice.Cloud.Tests.Azure;

/// <summary>
/// A local fake of Azure Resource Manager for <c>Microsoft.DBforPostgreSQL/flexibleServers</c> (api-version
/// 2025-08-01), over HTTPS with a bearer token, backed by real PostgreSQL (<see cref="FakeDatabaseHost"/>): an
/// on-demand backup is a <c>pg_dump</c> of the source, a point-in-time restore a PostgreSQL cluster of its own. It
/// speaks ARM's wire format: long-running PUTs answer 201/202 with <c>Azure-AsyncOperation</c> and <c>Location</c>,
/// the operation answers <c>{"status":"InProgress|Succeeded|Failed"}</c>, a DELETE answers 202 with <c>Location</c>
/// polled to 200, errors are <c>{"error":{"code","message"}}</c>, throttling is 429 with <c>Retry-After</c>.
/// <para>Fault modes: <see cref="Throttle"/>, <see cref="RestoreOutcome"/>, <see cref="CorruptRestore"/>.</para>
/// </summary>
public sealed class FakeFlexibleServer(FakeDatabaseHost host) : FakeCloudServer(host)
{
    public const string Token = "arm-fake-token-flexible-5e2a";
    public const string Subscription = "00000000-0000-0000-0000-000000000042";
    public const string Group = "shop-rg";
    private const string Servers = "/subscriptions/{subscription}/resourceGroups/{group}/providers/Microsoft.DBforPostgreSQL/flexibleServers";

    private readonly ConcurrentDictionary<string, Server> _servers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Backup> _backups = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Operation> _operations = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _advance = new(1, 1);

    public override IReadOnlyList<string> Copies => [.. _servers.Values.Where(s => s.Source is null).Select(s => s.Name).Order()];

    public override IReadOnlyList<string> SnapshotNames => [.. _backups.Keys.Order()];

    public override IReadOnlyDictionary<string, string> TagsOf(string name) => _servers.TryGetValue(name, out var s) ? s.Tags : new Dictionary<string, string>();

    protected override IEnumerable<LocalCluster?> CopyClusters => _servers.Values.Select(s => s.Cluster);

    /// <summary>The restored server's database, as the source's user reaches it (Azure's port is always 5432; the fake's are not).</summary>
    public string ConnectionStringOf(string copy) => FakeDatabaseHost.ConnectionString(_servers[copy].Cluster!, _servers[copy].From!.Dump);

    public static Task<FakeFlexibleServer> StartAsync(CancellationToken cancellationToken) =>
        StartAsync(host => new FakeFlexibleServer(host), fake => LoopbackServer.StartAsync(fake.Map, tls: true), cancellationToken);

    public void AddServer(string name, string connectionString) =>
        _servers[name] = new Server(name, "Standard_D4ds_v5", new Dictionary<string, string>(), null) { Source = connectionString, State = "Ready" };

    private void Map(WebApplication app)
    {
        app.Use(async (c, next) =>
        {
            Called($"{c.Request.Method} {c.Request.Path.Value![(c.Request.Path.Value!.LastIndexOf("/providers/", StringComparison.Ordinal) + 11)..]}");
            if (c.Request.Headers.Authorization.ToString() != $"Bearer {Token}") { await Error(c, 401, "InvalidAuthenticationToken", "The access token is invalid."); return; }
            if (c.Request.Query["api-version"].ToString() != FlexibleServerSnapshotProvider.ApiVersion)
            {
                await Error(c, 400, "NoRegisteredProviderFound", $"No registered resource provider found for API version '{c.Request.Query["api-version"]}'.");
                return;
            }
            if (Throttle is { Count: > 0 } throttle && !c.Request.Path.Value!.Contains("/operations/", StringComparison.Ordinal))
            {
                throttle.Count--;
                c.Response.Headers.RetryAfter = "1";
                await Error(c, 429, "TooManyRequests", "The request was throttled; retry after 1 second.");
                return;
            }
            await next(c);
        });
        app.MapPut(Servers + "/{server}/backups/{backup}", (string subscription, string group, string server, string backup, HttpContext c) => PutBackupAsync(c, server, backup));
        app.MapGet(Servers + "/{server}/backups/{backup}", (string subscription, string group, string server, string backup, HttpContext c) => GetBackupAsync(c, server, backup));
        app.MapDelete(Servers + "/{server}/backups/{backup}", (string subscription, string group, string server, string backup, HttpContext c) => DeleteBackupAsync(c, backup));
        app.MapPut(Servers + "/{server}", (string subscription, string group, string server, HttpContext c) => PutServerAsync(c, server));
        app.MapGet(Servers + "/{server}", (string subscription, string group, string server, HttpContext c) => GetServerAsync(c, server));
        app.MapDelete(Servers + "/{server}", (string subscription, string group, string server, HttpContext c) => DeleteServerAsync(c, server));
        app.MapGet(Servers, (string subscription, string group, HttpContext c) => FakeJson(c, 200, new JsonObject { ["value"] = new JsonArray([.. _servers.Values.Select(Json)]) }));
        app.MapGet("/subscriptions/{subscription}/providers/Microsoft.DBforPostgreSQL/locations/westeurope/operations/{id}", (string subscription, string id, HttpContext c) => GetOperationAsync(c, id, asyncOperation: true));
        app.MapGet("/subscriptions/{subscription}/providers/Microsoft.DBforPostgreSQL/locations/westeurope/operations/{id}/result", (string subscription, string id, HttpContext c) => GetOperationAsync(c, id, asyncOperation: false));
    }

    private async Task PutBackupAsync(HttpContext c, string server, string name)
    {
        if (!_servers.TryGetValue(server, out var source) || source.Source is null) { await NotFound(c, server); return; }
        var backup = new Backup(name, server, await Host.DumpAsync(name, source.Source, c.RequestAborted), DateTimeOffset.UtcNow);
        _backups[name] = backup;
        await Accepted(c, 202, new Operation(() => { backup.Done = true; return Task.FromResult<JsonObject?>(null); }), null);
    }

    private Task GetBackupAsync(HttpContext c, string server, string name) =>
        _backups.TryGetValue(name, out var backup) && backup.Done ? FakeJson(c, 200, Json(backup)) : NotFound(c, name);

    private async Task DeleteBackupAsync(HttpContext c, string name)
    {
        if (!_backups.TryRemove(name, out var backup)) { c.Response.StatusCode = 204; return; }
        File.Delete(backup.Dump.File);
        await Accepted(c, 202, new Operation(() => Task.FromResult<JsonObject?>(null)), null, locationOnly: true);
    }

    private async Task PutServerAsync(HttpContext c, string name)
    {
        var body = JsonNode.Parse(await new StreamReader(c.Request.Body).ReadToEndAsync()) as JsonObject;
        var properties = body?["properties"];
        if (properties?["createMode"]?.GetValue<string>() != "PointInTimeRestore") { await Error(c, 400, "InvalidParameterValue", "The fake creates servers by point-in-time restore only."); return; }
        var sourceId = properties["sourceServerResourceId"]?.GetValue<string>() ?? "";
        var source = sourceId[(sourceId.LastIndexOf('/') + 1)..];
        if (!_servers.TryGetValue(source, out var origin) || origin.Source is null) { await NotFound(c, source); return; }
        if (!DateTimeOffset.TryParse(properties["pointInTimeUTC"]?.GetValue<string>(), CultureInfo.InvariantCulture, out var point)) { await Error(c, 400, "InvalidParameterValue", "pointInTimeUTC is required."); return; }
        // The latest backup of the source taken at or after the point stands for the source at that point.
        var backup = _backups.Values.Where(b => b.Server == source && b.Done).OrderBy(b => b.CreatedAt).LastOrDefault();
        if (backup is null) { await Error(c, 400, "PointInTimeRestoreNotPossible", $"No backup of {source} covers {point:O}."); return; }
        if (_servers.ContainsKey(name)) { await Error(c, 409, "ServerNameAlreadyExists", $"Server {name} already exists."); return; }
        var tags = (body?["tags"] as JsonObject ?? []).ToDictionary(t => t.Key, t => t.Value?.GetValue<string>() ?? "", StringComparer.Ordinal);
        var server = new Server(name, body?["sku"]?["name"]?.GetValue<string>() ?? "Standard_B1ms", tags, backup) { State = "Provisioning" };
        _servers[name] = server;
        await Accepted(c, 201, new Operation(async () =>
        {
            switch (RestoreOutcome)
            {
                case FakeRestore.NeverAvailable:
                    return Pending;
                case FakeRestore.FailsHalfway:
                    return new JsonObject { ["code"] = "InternalServerError", ["message"] = "The restore failed halfway: an internal error occurred." };
            }
            server.Cluster = await Host.RestoreAsync(backup.Dump, CorruptRestore);
            server.State = "Ready";
            OnCopyAvailable?.Invoke(name);
            return null;
        }), Json(server));
    }

    private async Task GetServerAsync(HttpContext c, string name)
    {
        if (!_servers.TryGetValue(name, out var server)) { await NotFound(c, name); return; }
        await FakeJson(c, 200, Json(server));
    }

    private async Task DeleteServerAsync(HttpContext c, string name)
    {
        if (!_servers.TryRemove(name, out var server)) { c.Response.StatusCode = 204; return; }
        if (server.Cluster is { } cluster) await cluster.DisposeAsync();
        await Accepted(c, 202, new Operation(() => Task.FromResult<JsonObject?>(null)), null, locationOnly: true);
    }

    /// <summary>The operation moves on one step per poll: in progress, then done (or failed) on the second.</summary>
    private async Task GetOperationAsync(HttpContext c, string id, bool asyncOperation)
    {
        if (!_operations.TryGetValue(id, out var operation)) { await NotFound(c, id); return; }
        await _advance.WaitAsync();
        try
        {
            if (operation.Status == "InProgress" && ++operation.Polls >= 2)
            {
                var error = await operation.Finish();
                if (!ReferenceEquals(error, Pending)) operation.Status = error is null ? "Succeeded" : "Failed";
                operation.Error = error;
            }
        }
        finally
        {
            _advance.Release();
        }
        if (asyncOperation)
        {
            var body = new JsonObject { ["name"] = id, ["status"] = operation.Status, ["startTime"] = operation.Started.ToString("O", CultureInfo.InvariantCulture) };
            if (operation.Error is { } e && !ReferenceEquals(e, Pending)) body["error"] = e.DeepClone();
            await FakeJson(c, 200, body);
            return;
        }
        if (operation.Status == "InProgress") { c.Response.Headers.Location = OperationUri(id, result: true); c.Response.Headers.RetryAfter = "0"; c.Response.StatusCode = 202; return; }
        if (operation.Status == "Failed") { await Error(c, 500, "InternalServerError", operation.Error?["message"]?.GetValue<string>() ?? "failed"); return; }
        c.Response.StatusCode = 200;
    }

    private async Task Accepted(HttpContext c, int status, Operation operation, JsonObject? body, bool locationOnly = false)
    {
        var id = Guid.NewGuid().ToString("N");
        _operations[id] = operation;
        if (!locationOnly) c.Response.Headers["Azure-AsyncOperation"] = OperationUri(id, result: false);
        c.Response.Headers.Location = OperationUri(id, result: true);
        c.Response.Headers.RetryAfter = "0";
        if (body is null) c.Response.StatusCode = status;
        else await FakeJson(c, status, body);
    }

    private string OperationUri(string id, bool result) =>
        $"{Endpoint.GetLeftPart(UriPartial.Authority)}/subscriptions/{Subscription}/providers/Microsoft.DBforPostgreSQL/locations/westeurope/operations/{id}{(result ? "/result" : "")}?api-version={FlexibleServerSnapshotProvider.ApiVersion}";

    private static readonly JsonObject Pending = new();

    private JsonObject Json(Server s) => new()
    {
        ["id"] = $"/subscriptions/{Subscription}/resourceGroups/{Group}/providers/Microsoft.DBforPostgreSQL/flexibleServers/{s.Name}",
        ["name"] = s.Name, ["type"] = "Microsoft.DBforPostgreSQL/flexibleServers", ["location"] = "westeurope",
        ["tags"] = new JsonObject([.. s.Tags.Select(t => KeyValuePair.Create(t.Key, (JsonNode?)JsonValue.Create(t.Value)))]),
        ["sku"] = new JsonObject { ["name"] = s.Sku, ["tier"] = s.Sku.StartsWith("Standard_B", StringComparison.Ordinal) ? "Burstable" : "GeneralPurpose" },
        ["systemData"] = new JsonObject { ["createdAt"] = s.CreatedAt.ToString("O", CultureInfo.InvariantCulture) },
        ["properties"] = new JsonObject
        {
            ["state"] = s.State, ["version"] = "15", ["administratorLogin"] = "postgres",
            ["fullyQualifiedDomainName"] = s.Cluster is null ? null : "127.0.0.1",
        },
    };

    private JsonObject Json(Backup b) => new()
    {
        ["id"] = $"/subscriptions/{Subscription}/resourceGroups/{Group}/providers/Microsoft.DBforPostgreSQL/flexibleServers/{b.Server}/backups/{b.Name}",
        ["name"] = b.Name, ["type"] = "Microsoft.DBforPostgreSQL/flexibleServers/backups",
        ["properties"] = new JsonObject { ["backupType"] = "Customer On-Demand", ["completedTime"] = b.CreatedAt.ToString("O", CultureInfo.InvariantCulture), ["source"] = "Automatic" },
    };

    private static Task NotFound(HttpContext c, string name) =>
        Error(c, 404, "ResourceNotFound", $"The Resource '{name}' under resource group '{Group}' was not found.");

    private static Task Error(HttpContext c, int status, string code, string message) =>
        FakeJson(c, status, new JsonObject { ["error"] = new JsonObject { ["code"] = code, ["message"] = message } });

    private static async Task FakeJson(HttpContext c, int status, JsonNode body)
    {
        c.Response.StatusCode = status;
        c.Response.ContentType = "application/json; charset=utf-8";
        await c.Response.WriteAsync(body.ToJsonString(new JsonSerializerOptions()));
    }

    private sealed class Server(string name, string sku, Dictionary<string, string> tags, Backup? from)
    {
        public string Name => name;
        public string Sku => sku;
        public Dictionary<string, string> Tags => tags;
        public Backup? From => from;
        public DateTimeOffset CreatedAt { get; } = DateTimeOffset.UtcNow;
        public string? Source { get; init; }
        public string State { get; set; } = "Provisioning";
        public LocalCluster? Cluster { get; set; }
    }

    private sealed class Backup(string name, string server, FakeDump dump, DateTimeOffset createdAt)
    {
        public string Name => name;
        public string Server => server;
        public FakeDump Dump => dump;
        public DateTimeOffset CreatedAt => createdAt;
        public bool Done { get; set; }
    }

    /// <summary>A long-running operation; <see cref="Finish"/> returns null on success, an ARM error, or <see cref="Pending"/> to stay in progress.</summary>
    private sealed class Operation(Func<Task<JsonObject?>> finish)
    {
        public Func<Task<JsonObject?>> Finish => finish;
        public DateTimeOffset Started { get; } = DateTimeOffset.UtcNow;
        public string Status { get; set; } = "InProgress";
        public JsonObject? Error { get; set; }
        public int Polls { get; set; }
    }
}
