using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Json.Schema;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Sluice.Adapters.Tests.Fakes;

namespace Sluice.Adapters.Tests.Azure;

/// <summary>
/// A local fake of Azure Resource Manager for App Service's traffic routing: <c>GET/PUT/PATCH
/// /subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.Web/sites/{site}/config/web</c> and <c>GET
/// .../sites/{site}/slots/{slot}</c>, over HTTPS (Azure.Core sends bearer tokens over TLS only). It speaks ARM's wire
/// format: the api-version the spec excerpt names (else 400 NoRegisteredProviderFound), a bearer token (else 401),
/// <c>{"error":{"code","message"}}</c> bodies, 404 ResourceNotFound, 409 while "another operation is in progress",
/// and every body it takes or serves checked against the App Service REST API excerpt
/// (<c>Specs/azure-web-2024-04-01-siteconfig-experiments.json</c>). Stricter than ARM on one point, on purpose:
/// an unknown property of a ramp-up rule is a 400 here, where ARM would drop it silently.
/// </summary>
public sealed class FakeArm : IAsyncDisposable
{
    public const string Token = "arm-fake-token-c4b8e2d7a1";
    private const string Sites = "/subscriptions/{subscription}/resourceGroups/{group}/providers/Microsoft.Web/sites/{site}";

    public static readonly JsonObject Excerpt = SpecExcerpts.Load("azure-web-2024-04-01-siteconfig-experiments.json");
    private static readonly JsonSchema SiteConfigResource = SchemaFor("SiteConfigResource");
    private static readonly JsonSchema Site = SchemaFor("Site");

    private readonly ConcurrentDictionary<string, JsonObject> _configs = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, string> _slots = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly HashSet<string> _forbidden = [];
    private readonly object _write = new();
    private LoopbackServer _server = null!;

    public static string ApiVersion => (string)Excerpt["info"]!["version"]!;

    public Uri Address => _server.Address;

    public LoopbackServer Server => _server;

    /// <summary>Runs before each write; true answers it 409, as ARM does while another operation on the site runs.</summary>
    public Func<bool>? BeforeWrite { get; set; }

    public IReadOnlyList<RecordedRequest> Requests => _requests.ToList();

    public static async Task<FakeArm> StartAsync()
    {
        var fake = new FakeArm();
        fake._server = await LoopbackServer.StartAsync(fake.Map, tls: true);
        return fake;
    }

    public void AddSite(string subscription, string group, string site, JsonObject? siteConfig = null) =>
        _configs[SiteId(subscription, group, site)] = siteConfig ?? new JsonObject { ["alwaysOn"] = true, ["experiments"] = new JsonObject { ["rampUpRules"] = new JsonArray() } };

    public void AddSlot(string subscription, string group, string site, string slot) =>
        _slots[$"{SiteId(subscription, group, site)}/slots/{slot}"] = $"{site}-{slot}.azurewebsites.net";

    public void Forbid(string method) => _forbidden.Add(method);

    public JsonObject SiteConfig(string subscription, string group, string site) => _configs[SiteId(subscription, group, site)].DeepClone().AsObject();

    public void ChangeSiteConfig(string subscription, string group, string site, Action<JsonObject> change)
    {
        lock (_write) change(_configs[SiteId(subscription, group, site)]);
    }

    public static IReadOnlyList<string> ValidateSiteConfigResource(JsonNode body) => SpecExcerpts.Errors(SiteConfigResource, body);

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private static string SiteId(string subscription, string group, string site) =>
        $"/subscriptions/{subscription}/resourceGroups/{group}/providers/Microsoft.Web/sites/{site}";

    private void Map(WebApplication app)
    {
        FakeHttp.RecordAndRequireBearer(app, _requests, Token, c => Error(c, 401, "InvalidAuthenticationToken", "The access token is invalid."));
        app.Use(async (c, next) =>
        {
            if (c.Request.Query["api-version"].ToString() != ApiVersion)
            {
                await Error(c, 400, "NoRegisteredProviderFound",
                    $"No registered resource provider found for location 'westeurope' and API version '{c.Request.Query["api-version"]}' for type 'sites'.");
                return;
            }
            if (_forbidden.Contains(c.Request.Method))
            {
                await Error(c, 403, "AuthorizationFailed",
                    $"The client 'ci-runner' does not have authorization to perform action 'Microsoft.Web/sites/config/write' over scope '{c.Request.Path}' or the scope is invalid.");
                return;
            }
            await next(c);
        });
        app.MapGet(Sites + "/config/web", (string subscription, string group, string site, HttpContext c) => GetConfig(c, SiteId(subscription, group, site), site));
        app.MapPut(Sites + "/config/web", (string subscription, string group, string site, HttpContext c) => WriteConfig(c, SiteId(subscription, group, site), site, replace: true));
        app.MapPatch(Sites + "/config/web", (string subscription, string group, string site, HttpContext c) => WriteConfig(c, SiteId(subscription, group, site), site, replace: false));
        app.MapGet(Sites + "/slots/{slot}", (string subscription, string group, string site, string slot, HttpContext c) => GetSlot(c, SiteId(subscription, group, site), site, slot));
    }

    private async Task GetConfig(HttpContext c, string siteId, string site)
    {
        if (!_configs.TryGetValue(siteId, out var config)) { await SiteNotFound(c, site); return; }
        JsonObject resource;
        lock (_write) resource = Resource(siteId, site, config);
        await FakeHttp.WriteJsonAsync(c, 200, resource);
    }

    private async Task WriteConfig(HttpContext c, string siteId, string site, bool replace)
    {
        if (!_configs.ContainsKey(siteId)) { await SiteNotFound(c, site); return; }
        var body = await FakeHttp.ReadObjectAsync(c);
        var errors = body is null ? ["the body is not a JSON object"] : ValidateSiteConfigResource(body);
        if (errors.Count > 0) { await Error(c, 400, "BadRequest", string.Join("; ", errors)); return; }
        if (BeforeWrite?.Invoke() == true)
        {
            await Error(c, 409, "Conflict", "There was a conflict. The operation cannot be performed while another operation is in progress on the site.");
            return;
        }
        JsonObject resource;
        lock (_write)
        {
            var stored = _configs[siteId];
            var sent = body!["properties"] as JsonObject ?? new JsonObject();
            if (replace) stored = _configs[siteId] = sent.DeepClone().AsObject();
            else foreach (var (key, value) in sent) stored[key] = value?.DeepClone();
            resource = Resource(siteId, site, stored);
        }
        await FakeHttp.WriteJsonAsync(c, 200, resource);
    }

    private async Task GetSlot(HttpContext c, string siteId, string site, string slot)
    {
        if (!_slots.TryGetValue($"{siteId}/slots/{slot}", out var host))
        {
            await Error(c, 404, "ResourceNotFound", $"The Resource 'Microsoft.Web/sites/{site}/slots/{slot}' under resource group was not found.");
            return;
        }
        var resource = new JsonObject
        {
            ["id"] = $"{siteId}/slots/{slot}", ["name"] = $"{site}/{slot}", ["type"] = "Microsoft.Web/sites/slots", ["location"] = "West Europe",
            ["properties"] = new JsonObject { ["defaultHostName"] = host },
        };
        var errors = SpecExcerpts.Errors(Site, resource);
        if (errors.Count > 0) throw new InvalidOperationException($"the fake serves a slot the spec refuses: {string.Join("; ", errors)}");
        await FakeHttp.WriteJsonAsync(c, 200, resource);
    }

    private static JsonObject Resource(string siteId, string site, JsonObject config)
    {
        var resource = new JsonObject
        {
            ["id"] = $"{siteId}/config/web", ["name"] = site, ["type"] = "Microsoft.Web/sites/config", ["location"] = "West Europe",
            ["properties"] = config.DeepClone(),
        };
        var errors = ValidateSiteConfigResource(resource);
        if (errors.Count > 0) throw new InvalidOperationException($"the fake serves a config the spec refuses: {string.Join("; ", errors)}");
        return resource;
    }

    private static Task SiteNotFound(HttpContext c, string site) =>
        Error(c, 404, "ResourceNotFound", $"The Resource 'Microsoft.Web/sites/{site}' under resource group was not found.");

    private static Task Error(HttpContext c, int status, string code, string message) =>
        FakeHttp.WriteJsonAsync(c, status, new JsonObject { ["error"] = new JsonObject { ["code"] = code, ["message"] = message } });

    /// <summary>
    /// A JSON Schema from the excerpt's swagger definitions: <c>$ref</c>s point into <c>$defs</c>, allOf stays,
    /// vendor extensions are dropped, a typed property may be null (ARM writes unset ones so), and a ramp-up rule
    /// takes no property the spec does not name.
    /// </summary>
    private static JsonSchema SchemaFor(string definition)
    {
        JsonNode? Convert(JsonNode? node) => node switch
        {
            JsonObject o => new JsonObject(o.Where(p => !p.Key.StartsWith("x-ms-", StringComparison.Ordinal) && p.Key != "readOnly")
                .Select(p => KeyValuePair.Create(p.Key, p.Key switch
                {
                    "$ref" => JsonValue.Create(((string)p.Value!).Replace("#/definitions/", "#/$defs/", StringComparison.Ordinal)),
                    "type" when p.Value is JsonValue v && v.TryGetValue<string>(out var t) && t is "string" or "number" or "integer" or "boolean" => new JsonArray(t, "null"),
                    _ => Convert(p.Value),
                }))),
            JsonArray a => new JsonArray(a.Select(Convert).ToArray()),
            _ => node?.DeepClone(),
        };
        var defs = Convert(Excerpt["definitions"])!.AsObject();
        defs["RampUpRule"]!["additionalProperties"] = false;
        var schema = new JsonObject { ["$schema"] = "https://json-schema.org/draft/2020-12/schema", ["$ref"] = $"#/$defs/{definition}", ["$defs"] = defs };
        return JsonSchema.FromText(schema.ToJsonString());
    }
}
