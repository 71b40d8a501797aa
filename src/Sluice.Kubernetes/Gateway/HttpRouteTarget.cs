namespace Sluice.Kubernetes.Gateway;

/// <summary>
/// Which weights the canary moves: the backendRefs of one rule of a Gateway API <c>HTTPRoute</c>
/// (gateway.networking.k8s.io/v1), naming the baseline's and the canary's Services.
/// </summary>
/// <param name="Namespace">The route's namespace; also the Services' unless a backendRef names another.</param>
/// <param name="RouteName">The HTTPRoute's metadata.name.</param>
/// <param name="BaselineService">The Service of the version serving today.</param>
/// <param name="CanaryService">The Service of the version on trial.</param>
/// <param name="RuleIndex">The index in spec.rules of the rule whose backendRefs carry the two weights.</param>
public sealed record HttpRouteTarget(string Namespace, string RouteName, string BaselineService, string CanaryService, int RuleIndex = 0);
