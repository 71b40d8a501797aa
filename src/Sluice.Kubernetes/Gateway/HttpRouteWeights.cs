using System.Text.Json.Nodes;
using Sluice.Canary;
using Sluice.Errors;

namespace Sluice.Kubernetes.Gateway;

/// <summary>
/// Reads and writes a split on one rule of an HTTPRoute object, as JSON, touching nothing but the two weights.
/// <list type="number">
/// <item>No rule at <see cref="HttpRouteTarget.RuleIndex"/> in spec.rules: SLU265.</item>
/// <item>A backendRef is a version's when its kind is Service (or absent), its group is "" (or absent) and its name
/// is the version's Service.</item>
/// <item>The baseline's or the canary's backendRef is missing from the rule: SLU266.</item>
/// <item>Another backendRef of the rule has a weight above 0: SLU266, since the split would not be what Sluice says.</item>
/// <item>A backendRef without a weight weighs 1 (the CRD's default).</item>
/// <item>Writing sets the baseline's weight to <see cref="TrafficSplit.BaselinePercent"/> and the canary's to
/// <see cref="TrafficSplit.CanaryPercent"/>; a weight is a proportion, so 100 in all keeps it readable.</item>
/// <item>Reading gives the canary round(100 × canary / (baseline + canary)); both weights 0: SLU273.</item>
/// </list>
/// </summary>
internal sealed class HttpRouteWeights(HttpRouteTarget target, string address)
{
    public TrafficSplit Read(JsonObject route)
    {
        var (baseline, canary) = Find(route);
        long wb = Weight(baseline), wc = Weight(canary);
        if (wb + wc == 0)
            throw new SluiceException(ErrorKind.Failure, ErrorCodes.RouterAnswerUnreadable,
                $"both {target.BaselineService} and {target.CanaryService} weigh 0 in rule {target.RuleIndex} of {address}: the rule sends no traffic to either",
                "set the weights by hand (kubectl edit httproute) or run Canary again to route 100/0");
        return new TrafficSplit((int)Math.Round(100.0 * wc / (wb + wc), MidpointRounding.AwayFromZero));
    }

    public void Write(JsonObject route, TrafficSplit split)
    {
        var (baseline, canary) = Find(route);
        baseline["weight"] = split.BaselinePercent;
        canary["weight"] = split.CanaryPercent;
    }

    /// <summary>The Services the rule routes the two versions to, with their namespaces, for the existence check.</summary>
    public IReadOnlyList<(string Namespace, string Name)> Services(JsonObject route)
    {
        var (baseline, canary) = Find(route);
        return [(Namespace(baseline), target.BaselineService), (Namespace(canary), target.CanaryService)];
    }

    private (JsonObject Baseline, JsonObject Canary) Find(JsonObject route)
    {
        var rules = route["spec"]?["rules"] as JsonArray;
        if (rules is null || target.RuleIndex >= rules.Count || rules[target.RuleIndex] is not JsonObject rule)
            throw SluiceException.Usage(ErrorCodes.RouteNotFound,
                $"the HTTPRoute at {address} has {rules?.Count ?? 0} rule(s), so no rule at index {target.RuleIndex}",
                "set the canary's rule index to the rule whose backendRefs name the two Services");
        var refs = (rule["backendRefs"] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
        var baseline = refs.FirstOrDefault(r => IsService(r, target.BaselineService));
        var canary = refs.FirstOrDefault(r => IsService(r, target.CanaryService));
        foreach (var (found, name) in new[] { (baseline, target.BaselineService), (canary, target.CanaryService) })
            if (found is null)
                throw SluiceException.Usage(ErrorCodes.BackendNotRouted,
                    $"rule {target.RuleIndex} of the HTTPRoute at {address} has no backendRef to the Service {name}",
                    $"add {{ name: {name}, port: <port>, weight: 0 }} to spec.rules[{target.RuleIndex}].backendRefs");
        var other = refs.FirstOrDefault(r => r != baseline && r != canary && Weight(r) > 0);
        if (other is not null)
            throw SluiceException.Usage(ErrorCodes.BackendNotRouted,
                $"rule {target.RuleIndex} of the HTTPRoute at {address} also sends traffic to {(string?)other["name"]} (weight {Weight(other)}), so the split would not be {target.BaselineService}/{target.CanaryService}",
                "give the rule only the baseline's and the canary's backendRefs, or weight the others 0");
        return (baseline!, canary!);
    }

    private static bool IsService(JsonObject backendRef, string name) =>
        (string?)backendRef["name"] == name
        && ((string?)backendRef["kind"] ?? "Service") == "Service"
        && ((string?)backendRef["group"] ?? "") == "";

    // The node is a parsed number or one this class wrote; its JSON text reads the same either way.
    private static long Weight(JsonObject backendRef) =>
        backendRef["weight"] is JsonValue v && long.TryParse(v.ToJsonString(), out var w) ? w : 1;

    private string Namespace(JsonObject backendRef) => (string?)backendRef["namespace"] ?? target.Namespace;
}
