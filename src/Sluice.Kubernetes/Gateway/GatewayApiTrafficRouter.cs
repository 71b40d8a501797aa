using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using Sluice.Canary;
using Sluice.Errors;

namespace Sluice.Kubernetes.Gateway;

/// <summary>
/// Routes a canary by the weights of an HTTPRoute's backendRefs (Gateway API v1): the gateway implementation
/// (Envoy Gateway, Istio, Cilium, a cloud load balancer...) then sends each new request by those weights.
/// A change is a read-modify-replace carrying the object's resourceVersion, so a concurrent edit is answered with
/// 409 and retried from a fresh read instead of being overwritten; nothing but the two weights changes.
/// </summary>
public sealed class GatewayApiTrafficRouter : ITrafficRouter, IDisposable
{
    private const string Group = "gateway.networking.k8s.io";
    private const string Version = "v1";
    private const string Plural = "httproutes";

    private readonly HttpRouteTarget _target;
    private readonly k8s.Kubernetes _client;
    private readonly HttpRouteWeights _weights;
    private readonly string _server;

    public GatewayApiTrafficRouter(HttpRouteTarget target, KubernetesClientConfiguration connection)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(connection);
        foreach (var (value, name) in new[] { (target.Namespace, "namespace"), (target.RouteName, "route"), (target.BaselineService, "baseline service"), (target.CanaryService, "canary service") })
            if (string.IsNullOrWhiteSpace(value))
                throw SluiceException.Usage(ErrorCodes.RouterSettingsInvalid, $"the Gateway API router needs a {name}", "name it in the environment's canary router settings");
        if (target.RuleIndex < 0)
            throw SluiceException.Usage(ErrorCodes.RouterSettingsInvalid, $"the HTTPRoute rule index is {target.RuleIndex}; it counts from 0", "set the rule index to 0 or above");
        if (target.BaselineService == target.CanaryService)
            throw SluiceException.Usage(ErrorCodes.RouterSettingsInvalid, $"the baseline and the canary are the same Service ({target.BaselineService})", "give each version its own Service");
        _target = target;
        _server = ServerAddress(connection.Host);
        Address = $"{_server}/apis/{Group}/{Version}/namespaces/{target.Namespace}/{Plural}/{target.RouteName}";
        _weights = new HttpRouteWeights(target, Address);
        _client = new k8s.Kubernetes(connection);
    }

    public string Address { get; }

    public async Task CheckReachableAsync(CancellationToken cancellationToken)
    {
        var route = await ReadRouteAsync(ErrorKind.Usage, cancellationToken).ConfigureAwait(false);
        _weights.Read(route);
        foreach (var (ns, name) in _weights.Services(route))
        {
            var service = $"{_server}/api/v1/namespaces/{ns}/services/{name}";
            await CallAsync(ErrorKind.Usage, "read", service, isService: true,
                () => _client.CoreV1.ReadNamespacedServiceAsync(name, ns, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
    }

    public Task RouteAsync(TrafficSplit split, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(split);
        return ConcurrentChangeRetry.RunAsync(Address, async ct =>
        {
            var route = await ReadRouteAsync(ErrorKind.Failure, ct).ConfigureAwait(false);
            _weights.Write(route, split);
            try
            {
                await CallAsync(ErrorKind.Failure, "update", Address, isService: false,
                    () => _client.CustomObjects.ReplaceNamespacedCustomObjectAsync<JsonObject>(route, Group, Version, _target.Namespace, Plural, _target.RouteName,
                        fieldManager: "sluice", cancellationToken: ct)).ConfigureAwait(false);
                return true;
            }
            catch (SluiceException e) when (e.InnerException is HttpOperationException { Response.StatusCode: HttpStatusCode.Conflict })
            {
                return false;
            }
        }, cancellationToken);
    }

    public async Task<TrafficSplit> CurrentAsync(CancellationToken cancellationToken) =>
        _weights.Read(await ReadRouteAsync(ErrorKind.Failure, cancellationToken).ConfigureAwait(false));

    public void Dispose() => _client.Dispose();

    private Task<JsonObject> ReadRouteAsync(ErrorKind kind, CancellationToken cancellationToken) =>
        CallAsync(kind, "read", Address, isService: false,
            () => _client.CustomObjects.GetNamespacedCustomObjectAsync<JsonObject>(Group, Version, _target.Namespace, Plural, _target.RouteName, cancellationToken));

    private async Task<T> CallAsync<T>(ErrorKind kind, string what, string address, bool isService, Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (HttpOperationException e)
        {
            throw ApiServerFailures.FromStatus(kind, e, what, address, isService);
        }
        catch (HttpRequestException e)
        {
            throw ApiServerFailures.Unreachable(kind, _server, e);
        }
        catch (TaskCanceledException e) when (!e.CancellationToken.IsCancellationRequested || e.InnerException is TimeoutException)
        {
            throw ApiServerFailures.Unreachable(kind, _server, e);
        }
    }

    /// <summary>The API server's scheme, host and port: a kubeconfig may put user information in the URL.</summary>
    private static string ServerAddress(string? host)
    {
        if (string.IsNullOrWhiteSpace(host) || !Uri.TryCreate(host, UriKind.Absolute, out var uri))
            throw SluiceException.Usage(ErrorCodes.RouterSettingsInvalid, "the Kubernetes connection names no API server address",
                "set the context's cluster server in the kubeconfig");
        return uri.GetLeftPart(UriPartial.Authority);
    }
}
