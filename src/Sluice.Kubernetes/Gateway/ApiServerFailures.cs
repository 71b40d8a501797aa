using System.Net;
using System.Text.Json;
using k8s.Autorest;
using Sluice.Canary;
using Sluice.Errors;

namespace Sluice.Kubernetes.Gateway;

/// <summary>
/// What the API server answered, as a Sluice error: the shared ones of <see cref="RouterFailures"/>, plus what
/// "not found" means here. A 404 on the route is SLU265 (also when the Gateway API CRDs are not installed), on a
/// Service SLU266. 409 is not here: it is the retry signal of <see cref="ConcurrentChangeRetry"/>.
/// </summary>
internal static class ApiServerFailures
{
    private const string Api = "the Kubernetes API server";

    public const string RbacRemedy =
        "grant the runner's identity get, update and patch on httproutes.gateway.networking.k8s.io and get on services in the route's namespace (a Role and RoleBinding; see docs/canary-routers.md)";

    public static SluiceException Unreachable(ErrorKind kind, string server, Exception e) =>
        RouterFailures.Unreachable(kind, Api, server, e is TaskCanceledException ? "timed out" : (e.InnerException ?? e).Message,
            "check the kubeconfig context's server address, the network path to it and its certificate", e);

    public static SluiceException FromStatus(ErrorKind kind, HttpOperationException e, string what, string address, bool isService)
    {
        var status = e.Response.StatusCode;
        var answer = $"{(int)status} {status}{StatusMessage(e.Response.Content)}";
        return status switch
        {
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => RouterFailures.Refused(kind, Api, what, address, answer, RbacRemedy, e),
            HttpStatusCode.NotFound when isService => new SluiceException(kind, ErrorCodes.BackendNotRouted,
                $"the Service {address} does not exist ({answer})",
                "create the Service the backendRef names, or fix the canary's service names", inner: e),
            HttpStatusCode.NotFound => new SluiceException(kind, ErrorCodes.RouteNotFound,
                $"no HTTPRoute at {address} ({answer})",
                "check the route's namespace and name (kubectl get httproute -n <namespace>); if httproutes is unknown, install the Gateway API CRDs", inner: e),
            _ => RouterFailures.Unreadable(kind, Api, what, address, answer, e),
        };
    }

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
