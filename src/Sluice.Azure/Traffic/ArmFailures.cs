using System.Text.Json;
using Azure;
using Azure.Identity;
using Sluice.Errors;

namespace Sluice.Azure.Traffic;

/// <summary>
/// Turns what Azure Resource Manager (or the way to it) answered into a Sluice error naming the endpoint and the
/// resource id, never a token. Usage while checking before any traffic moves, failure once the canary is under way.
/// <list type="number">
/// <item>No answer (connection refused, DNS, TLS, time-out): SLU267.</item>
/// <item>No token (the credential failed), 401 or 403: SLU268, the remedy naming the role needed.</item>
/// <item>404 on the site's config/web: SLU271.</item>
/// <item>404 on the slot: SLU272.</item>
/// <item>Anything else but 409: SLU273 with ARM's error code and message.</item>
/// </list>
/// 409 (another operation on the site in progress) is not here: it is the retry signal of
/// <see cref="Sluice.Canary.ConcurrentChangeRetry"/>.
/// </summary>
internal static class ArmFailures
{
    public const string RoleRemedy =
        "give the runner's identity Microsoft.Web/sites/config/read and Microsoft.Web/sites/config/write on the site and Microsoft.Web/sites/slots/read on the slot (the built-in Website Contributor role has them; see docs/canary-routers.md)";

    public static SluiceException Unreachable(ErrorKind kind, string endpoint, Exception e) =>
        new(kind, ErrorCodes.RouterUnreachable, $"cannot reach Azure Resource Manager at {endpoint}: {Innermost(e).Message}",
            "check the ARM endpoint (the cloud) and the network path to it", inner: e);

    public static SluiceException NoToken(ErrorKind kind, string endpoint, AuthenticationFailedException e) =>
        new(kind, ErrorCodes.RouterForbidden, $"no token for Azure Resource Manager at {endpoint}: the credential failed ({e.GetType().Name})",
            "sign in (az login), or give the runner a managed identity or a federated service connection; " + RoleRemedy, inner: e);

    public static SluiceException FromStatus(ErrorKind kind, int status, string body, string what, string address, bool isSlot) => status switch
    {
        401 or 403 => new SluiceException(kind, ErrorCodes.RouterForbidden, $"Azure Resource Manager refused to {what} {address} ({status}){Said(body)}", RoleRemedy),
        404 when isSlot => new SluiceException(kind, ErrorCodes.SlotNotFound, $"no deployment slot at {address}{Said(body)}",
            "create the slot (az webapp deployment slot create) or fix the canary's slot name"),
        404 => new SluiceException(kind, ErrorCodes.SiteNotFound, $"no App Service site at {address}{Said(body)}",
            "check the subscription, resource group and site name of the canary's router settings"),
        _ => new SluiceException(kind, ErrorCodes.RouterAnswerUnreadable, $"Azure Resource Manager answered {status} to {what} {address}{Said(body)}"),
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
