using System.Net;
using System.Text.Json;
using k8s.Autorest;
using Sluice.Errors;

namespace Sluice.Kubernetes.Gateway;

/// <summary>
/// Turns what the API server (or the way to it) answered into a Sluice error naming the address, never a credential.
/// The kind is <see cref="ErrorKind.Usage"/> while checking before any traffic moves, <see cref="ErrorKind.Failure"/>
/// once the canary is under way (the caller then rolls back).
/// <list type="number">
/// <item>No answer (connection refused, DNS, TLS, time-out): SLU267.</item>
/// <item>401 or 403: SLU268, the remedy naming the RBAC verbs needed.</item>
/// <item>404 on the route: SLU265 (also when the Gateway API CRDs are not installed).</item>
/// <item>404 on a Service: SLU266.</item>
/// <item>Anything else: SLU273 with the status and the API server's own message.</item>
/// </list>
/// 409 is not here: it is the retry signal of <see cref="Sluice.Canary.ConcurrentChangeRetry"/>.
/// </summary>
internal static class ApiServerFailures
{
    public const string RbacRemedy =
        "grant the runner's identity get, update and patch on httproutes.gateway.networking.k8s.io and get on services in the route's namespace (a Role and RoleBinding; see docs/canary-routers.md)";

    public static SluiceException Unreachable(ErrorKind kind, string server, Exception e) =>
        new(kind, ErrorCodes.RouterUnreachable,
            $"cannot reach the Kubernetes API server at {server}: {Describe(e)}",
            "check the kubeconfig context's server address, the network path to it and its certificate", inner: e);

    public static SluiceException FromStatus(ErrorKind kind, HttpOperationException e, string what, string address, bool isService)
    {
        var status = e.Response.StatusCode;
        var said = StatusMessage(e.Response.Content);
        return status switch
        {
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => new SluiceException(kind, ErrorCodes.RouterForbidden,
                $"the Kubernetes API server refused to {what} {address} ({(int)status} {status}){said}", RbacRemedy, inner: e),
            HttpStatusCode.NotFound when isService => new SluiceException(kind, ErrorCodes.BackendNotRouted,
                $"the Service {address} does not exist{said}",
                "create the Service the backendRef names, or fix the canary's service names", inner: e),
            HttpStatusCode.NotFound => new SluiceException(kind, ErrorCodes.RouteNotFound,
                $"no HTTPRoute at {address}{said}",
                "check the route's namespace and name (kubectl get httproute -n <namespace>); if httproutes is unknown, install the Gateway API CRDs", inner: e),
            _ => new SluiceException(kind, ErrorCodes.RouterAnswerUnreadable,
                $"the Kubernetes API server answered {(int)status} {status} to {what} {address}{said}", inner: e),
        };
    }

    private static string Describe(Exception e) =>
        e is TaskCanceledException ? "timed out" : (e.InnerException ?? e).Message;

    /// <summary>The message of a metav1.Status body; the API server's words, which name the user but no secret.</summary>
    private static string StatusMessage(string? body)
    {
        if (string.IsNullOrWhiteSpace(body)) return "";
        try
        {
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String
                ? $": {m.GetString()}" : "";
        }
        catch (JsonException)
        {
            return "";
        }
    }
}
