using System.Text.Json;
using Azure.Identity;
using Sluice.Canary;
using Sluice.Errors;

namespace Sluice.Azure.Traffic;

/// <summary>
/// What Azure Resource Manager answered, as a Sluice error: the shared ones of <see cref="RouterFailures"/>, plus what
/// "not found" means here. A 404 on the site's config/web is SLU271, on the slot SLU272. 409 (another operation on
/// the site in progress) is not here: it is the retry signal of <see cref="ConcurrentChangeRetry"/>.
/// </summary>
internal static class ArmFailures
{
    private const string Api = "Azure Resource Manager";

    public const string RoleRemedy =
        "give the runner's identity Microsoft.Web/sites/config/read and Microsoft.Web/sites/config/write on the site and Microsoft.Web/sites/slots/read on the slot (the built-in Website Contributor role has them; see docs/canary-routers.md)";

    public static SluiceException Unreachable(ErrorKind kind, string endpoint, Exception e) =>
        RouterFailures.Unreachable(kind, Api, endpoint, Innermost(e).Message, "check the ARM endpoint (the cloud) and the network path to it", e);

    public static SluiceException NoToken(ErrorKind kind, string endpoint, AuthenticationFailedException e) =>
        new(kind, ErrorCodes.RouterForbidden, $"no token for {Api} at {endpoint}: the credential failed ({e.GetType().Name})",
            "sign in (az login), or give the runner a managed identity or a federated service connection; " + RoleRemedy, inner: e);

    public static SluiceException FromStatus(ErrorKind kind, int status, string body, string what, string address, bool isSlot) => status switch
    {
        401 or 403 => RouterFailures.Refused(kind, Api, what, address, $"{status}{Said(body)}", RoleRemedy),
        404 when isSlot => new SluiceException(kind, ErrorCodes.SlotNotFound, $"no deployment slot at {address} ({status}{Said(body)})",
            "create the slot (az webapp deployment slot create) or fix the canary's slot name"),
        404 => new SluiceException(kind, ErrorCodes.SiteNotFound, $"no App Service site at {address} ({status}{Said(body)})",
            "check the subscription, resource group and site name of the canary's router settings"),
        _ => RouterFailures.Unreadable(kind, Api, what, address, $"{status}{Said(body)}"),
    };

    private static Exception Innermost(Exception e) => e.InnerException is { } inner ? Innermost(inner) : e;

    /// <summary>ARM's own error code and message (<c>{"error":{"code","message"}}</c>), which name resources, not secrets.</summary>
    private static string Said(string body)
    {
        if (string.IsNullOrWhiteSpace(body)) return "";
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("error", out var error) || error.ValueKind != JsonValueKind.Object) return "";
            var code = error.TryGetProperty("code", out var c) ? c.GetString() : null;
            var message = error.TryGetProperty("message", out var m) ? m.GetString() : null;
            return $": {code} {message}".TrimEnd();
        }
        catch (JsonException)
        {
            return "";
        }
    }
}
