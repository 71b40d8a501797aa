using System.Globalization;
using System.Text.Json.Nodes;
using Sluice.Canary;
using Sluice.Errors;

namespace Sluice.Azure.Traffic;

/// <summary>
/// Reads and writes a split as the production slot's <c>siteConfig.experiments.rampUpRules</c> (the portal's
/// "Traffic %" per slot), touching no rule but the canary slot's.
/// <list type="number">
/// <item>The canary's rule is the one whose name is the slot's name (case-insensitive), as the portal and
/// <c>az webapp traffic-routing set</c> name it.</item>
/// <item>No such rule: the canary gets 0 %, the production slot everything.</item>
/// <item>A rule of another slot with a percentage above 0: SLU266, since the split would not be production/canary.</item>
/// <item>Reading gives the rule's reroutePercentage rounded to a whole percent (the API takes decimals).</item>
/// <item>Writing 0 % removes the canary's rule; above 0 it becomes { actionHostName: the slot's host name,
/// reroutePercentage, name: the slot } and nothing else, so no automatic ramp-up (changeStep...) fights the steps.</item>
/// <item>The other slots' rules are written back as they were read.</item>
/// </list>
/// </summary>
internal sealed class RampUpRules(AppServiceSlotTarget target, string address)
{
    public TrafficSplit Read(JsonObject config)
    {
        var (mine, _) = Split(config);
        if (mine is null) return TrafficSplit.AllBaseline;
        var percent = mine["reroutePercentage"] is JsonValue v && double.TryParse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var p) ? p : 0;
        if (percent is < 0 or > 100)
            throw new SluiceException(ErrorKind.Failure, ErrorCodes.RouterAnswerUnreadable,
                $"the ramp-up rule {target.Slot} at {address} routes {percent.ToString(CultureInfo.InvariantCulture)} % of the traffic; a percentage is 0 to 100",
                "set the slot's traffic % in the portal or run Canary again");
        return new TrafficSplit((int)Math.Round(percent, MidpointRounding.AwayFromZero));
    }

    /// <summary>The body of a PATCH on config/web that sets the split and keeps the other slots' rules.</summary>
    public JsonObject Patch(JsonObject config, TrafficSplit split, string slotHostName)
    {
        var (_, others) = Split(config);
        var rules = new JsonArray(others.Select(r => r.DeepClone()).ToArray());
        if (split.CanaryPercent > 0)
            rules.Add(new JsonObject
            {
                ["actionHostName"] = slotHostName,
                ["reroutePercentage"] = split.CanaryPercent,
                ["name"] = target.Slot,
            });
        return new JsonObject { ["properties"] = new JsonObject { ["experiments"] = new JsonObject { ["rampUpRules"] = rules } } };
    }

    private (JsonObject? Mine, IReadOnlyList<JsonObject> Others) Split(JsonObject config)
    {
        var rules = (config["properties"]?["experiments"]?["rampUpRules"] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
        var mine = rules.FirstOrDefault(r => string.Equals((string?)r["name"], target.Slot, StringComparison.OrdinalIgnoreCase));
        var others = rules.Where(r => r != mine).ToList();
        var routing = others.FirstOrDefault(r => r["reroutePercentage"] is JsonValue v && v.ToJsonString() is var s && s != "0" && s != "0.0");
        if (routing is not null)
            throw SluiceException.Usage(ErrorCodes.BackendNotRouted,
                $"the production slot at {address} also sends {routing["reroutePercentage"]!.ToJsonString()} % of its traffic to {(string?)routing["name"] ?? (string?)routing["actionHostName"]}, so the split would not be production/{target.Slot}",
                "set the other slots' traffic % to 0 (portal: Deployment slots) before the canary");
        return (mine, others);
    }
}
