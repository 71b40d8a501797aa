using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Json.Schema;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Sluice.Adapters.Tests.Fakes;

namespace Sluice.Adapters.Tests.Kubernetes;

/// <summary>
/// A local fake of the Kubernetes API server, for the parts a Gateway API router uses: HTTPRoutes
/// (<c>/apis/gateway.networking.k8s.io/v1/namespaces/{ns}/httproutes/{name}</c>: GET, PUT, PATCH with
/// <c>application/merge-patch+json</c>) and Services (<c>/api/v1/namespaces/{ns}/services/{name}</c>: GET).
/// It speaks the real wire format: bearer tokens (401), metav1.Status bodies for 404/409/422/403, resourceVersion
/// optimistic concurrency (an update must carry the current one, else 409; none at all is 422, as for every custom
/// resource), the CRD's defaults applied on write, and every stored route checked against the CRD's schema
/// (<c>Specs/gateway-api-v1.6.1-httproute-backendrefs.json</c>). A real API server cannot run here (no cluster, no
/// etcd); this one is what the tests name as a fake.
/// </summary>
public sealed class FakeKubernetesApiServer : IAsyncDisposable
{
    public const string Token = "k8s-fake-token-7f3a9c1e5b";
    private const string Group = "gateway.networking.k8s.io";

    private static readonly JsonObject Excerpt = SpecExcerpts.Load("gateway-api-v1.6.1-httproute-backendrefs.json");
    private static readonly JsonSchema RouteSchema = JsonSchema.FromText(Excerpt["schema"]!.ToJsonString());

    private readonly ConcurrentDictionary<(string Ns, string Name), JsonObject> _routes = new();
    private readonly ConcurrentDictionary<(string Ns, string Name), bool> _services = new();
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly HashSet<string> _forbiddenVerbs = [];
    private readonly object _write = new();
    private long _revision = 1000;
    private LoopbackServer _server = null!;

    public Uri Address => _server.Address;

    public string Host => _server.Address.GetLeftPart(UriPartial.Authority);

    /// <summary>Runs inside each PUT before the version check: where a test lets another writer change the route.</summary>
    public Func<Task>? BeforeUpdate { get; set; }

    public IReadOnlyList<RecordedRequest> Requests => _requests.ToList();

    public static async Task<FakeKubernetesApiServer> StartAsync()
    {
        var fake = new FakeKubernetesApiServer();
        fake._server = await LoopbackServer.StartAsync(fake.Map);
        return fake;
    }

    /// <summary>Stores a route as `kubectl apply` would: defaults applied, validated, a fresh resourceVersion.</summary>
    public void AddRoute(JsonObject route)
    {
        var meta = route["metadata"]!.AsObject();
        var key = ((string)meta["namespace"]!, (string)meta["name"]!);
        var errors = Validate(route);
        if (errors.Count > 0) throw new InvalidOperationException($"the seeded route is not a valid HTTPRoute: {string.Join("; ", errors)}");
        lock (_write) _routes[key] = Stamp(route, generation: 1);
    }

    public void AddService(string ns, string name) => _services[(ns, name)] = true;

    public void Forbid(string verb) => _forbiddenVerbs.Add(verb);

    public JsonObject Route(string ns, string name) => _routes[(ns, name)].DeepClone().AsObject();

    public static IReadOnlyList<string> Validate(JsonObject route)
    {
        var errors = SpecExcerpts.Errors(RouteSchema, route).ToList();
        // The CEL rule of the CRD the schema excerpt cannot say: a Service reference must have a port.
        foreach (var rule in route["spec"]?["rules"]?.AsArray() ?? [])
        foreach (var backend in rule?["backendRefs"]?.AsArray() ?? [])
            if (((string?)backend?["group"] ?? "") == "" && ((string?)backend?["kind"] ?? "Service") == "Service" && backend?["port"] is null)
                errors.Add($"backendRef {(string?)backend?["name"]}: Must have port for Service reference");
        return errors;
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private void Map(WebApplication app)
    {
        FakeHttp.RecordAndRequireBearer(app, _requests, Token, c => WriteStatus(c, 401, "Unauthorized", "Unauthorized"));
        const string route = "/apis/" + Group + "/v1/namespaces/{ns}/httproutes/{name}";
        app.MapGet(route, (string ns, string name, HttpContext c) => GetRoute(c, ns, name));
        app.MapPut(route, (string ns, string name, HttpContext c) => PutRoute(c, ns, name));
        app.MapPatch(route, (string ns, string name, HttpContext c) => PatchRoute(c, ns, name));
        app.MapGet("/api/v1/namespaces/{ns}/services/{name}", (string ns, string name, HttpContext c) => GetService(c, ns, name));
    }

    private async Task GetRoute(HttpContext c, string ns, string name)
    {
        if (await Refused(c, "get", ns, name)) return;
        if (!_routes.TryGetValue((ns, name), out var stored)) { await NotFound(c, name); return; }
        await FakeHttp.WriteJsonAsync(c, 200, stored);
    }

    private async Task PutRoute(HttpContext c, string ns, string name)
    {
        if (await Refused(c, "update", ns, name)) return;
        if (BeforeUpdate is { } hook) { BeforeUpdate = null; await hook(); }
        var body = await FakeHttp.ReadObjectAsync(c);
        if (body is null) { await WriteStatus(c, 400, "BadRequest", "the body is not a JSON object"); return; }
        if ((string?)body["apiVersion"] != $"{Group}/v1" || (string?)body["kind"] != "HTTPRoute")
        {
            await WriteStatus(c, 400, "BadRequest", $"the body is {(string?)body["apiVersion"]}/{(string?)body["kind"]}, not {Group}/v1 HTTPRoute");
            return;
        }
        if ((string?)body["metadata"]?["name"] != name)
        {
            await WriteStatus(c, 400, "BadRequest", "the name of the object does not match the name on the URL");
            return;
        }
        var sent = (string?)body["metadata"]?["resourceVersion"];
        if (string.IsNullOrEmpty(sent))
        {
            await WriteStatus(c, 422, "Invalid", $"httproutes.{Group} \"{name}\" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update");
            return;
        }
        await Store(c, ns, name, body, sent);
    }

    private async Task PatchRoute(HttpContext c, string ns, string name)
    {
        if (await Refused(c, "patch", ns, name)) return;
        if (c.Request.ContentType?.StartsWith("application/merge-patch+json", StringComparison.Ordinal) != true)
        {
            await WriteStatus(c, 415, "UnsupportedMediaType", $"the fake serves merge patches only, not {c.Request.ContentType}");
            return;
        }
        var patch = await FakeHttp.ReadObjectAsync(c);
        if (patch is null) { await WriteStatus(c, 400, "BadRequest", "the body is not a JSON object"); return; }
        if (!_routes.TryGetValue((ns, name), out var stored)) { await NotFound(c, name); return; }
        var merged = MergePatch(stored.DeepClone(), patch).AsObject();
        await Store(c, ns, name, merged, (string?)patch["metadata"]?["resourceVersion"] ?? (string)stored["metadata"]!["resourceVersion"]!);
    }

    private async Task Store(HttpContext c, string ns, string name, JsonObject updated, string expectedVersion)
    {
        (int Code, JsonObject? Body, string? Reason, string? Message) outcome;
        lock (_write)
        {
            if (!_routes.TryGetValue((ns, name), out var stored)) outcome = (404, null, "NotFound", null);
            else if ((string?)stored["metadata"]!["resourceVersion"] != expectedVersion)
                outcome = (409, null, "Conflict", $"Operation cannot be fulfilled on httproutes.{Group} \"{name}\": the object has been modified; please apply your changes to the latest version and try again");
            else
            {
                ApplyDefaults(updated);
                var errors = Validate(updated);
                if (errors.Count > 0) outcome = (422, null, "Invalid", $"HTTPRoute.{Group} \"{name}\" is invalid: {string.Join(", ", errors)}");
                else
                {
                    var generation = (long)stored["metadata"]!["generation"]! + (JsonNode.DeepEquals(stored["spec"], updated["spec"]) ? 0 : 1);
                    updated["metadata"]!["uid"] = stored["metadata"]!["uid"]!.DeepClone();
                    _routes[(ns, name)] = Stamp(updated, generation);
                    outcome = (200, _routes[(ns, name)], null, null);
                }
            }
        }
        if (outcome.Code == 404) await NotFound(c, name);
        else if (outcome.Body is null) await WriteStatus(c, outcome.Code, outcome.Reason!, outcome.Message!);
        else await FakeHttp.WriteJsonAsync(c, 200, outcome.Body);
    }

    private async Task GetService(HttpContext c, string ns, string name)
    {
        if (!_services.ContainsKey((ns, name)))
        {
            await WriteStatus(c, 404, "NotFound", $"services \"{name}\" not found");
            return;
        }
        await FakeHttp.WriteJsonAsync(c, 200, new JsonObject
        {
            ["apiVersion"] = "v1", ["kind"] = "Service",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns, ["resourceVersion"] = "1" },
            ["spec"] = new JsonObject { ["ports"] = new JsonArray(new JsonObject { ["port"] = 80, ["protocol"] = "TCP" }) },
        });
    }

    private async Task<bool> Refused(HttpContext c, string verb, string ns, string name)
    {
        if (!_forbiddenVerbs.Contains(verb)) return false;
        await WriteStatus(c, 403, "Forbidden",
            $"httproutes.{Group} \"{name}\" is forbidden: User \"system:serviceaccount:ci:sluice\" cannot {verb} resource \"httproutes\" in API group \"{Group}\" in the namespace \"{ns}\"");
        return true;
    }

    private JsonObject Stamp(JsonObject route, long generation)
    {
        var meta = route["metadata"]!.AsObject();
        meta["resourceVersion"] = Interlocked.Increment(ref _revision).ToString(System.Globalization.CultureInfo.InvariantCulture);
        meta["generation"] = generation;
        meta["uid"] ??= Guid.NewGuid().ToString();
        return route;
    }

    /// <summary>The CRD's defaults for a backendRef, as the API server writes them into the stored object.</summary>
    private static void ApplyDefaults(JsonObject route)
    {
        foreach (var rule in route["spec"]?["rules"]?.AsArray() ?? [])
        foreach (var backend in rule?["backendRefs"]?.AsArray().OfType<JsonObject>() ?? [])
        {
            backend["group"] ??= "";
            backend["kind"] ??= "Service";
            backend["weight"] ??= 1;
        }
    }

    /// <summary>RFC 7386: objects merge key by key, null deletes, anything else (arrays included) replaces.</summary>
    private static JsonNode MergePatch(JsonNode target, JsonNode patch)
    {
        if (patch is not JsonObject p) return patch.DeepClone();
        var t = target as JsonObject ?? new JsonObject();
        foreach (var (key, value) in p)
        {
            if (value is null) t.Remove(key);
            else t[key] = t[key] is { } existing ? MergePatch(existing.DeepClone(), value) : value.DeepClone();
        }
        return t;
    }

    private static Task NotFound(HttpContext c, string name) =>
        WriteStatus(c, 404, "NotFound", $"httproutes.{Group} \"{name}\" not found");

    private static Task WriteStatus(HttpContext c, int code, string reason, string message) =>
        FakeHttp.WriteJsonAsync(c, code, new JsonObject
        {
            ["kind"] = "Status", ["apiVersion"] = "v1", ["metadata"] = new JsonObject(),
            ["status"] = "Failure", ["message"] = message, ["reason"] = reason, ["code"] = code,
        });
}
