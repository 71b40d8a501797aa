using System.Text.Json.Nodes;
using Sluice.Azure.Traffic;
using Sluice.Canary;
using Sluice.Errors;

namespace Sluice.Adapters.Tests.Azure;

/// <summary>One test per row of the rule table in <see cref="RampUpRules"/>; the method name starts with the row id.</summary>
public sealed class RampUpRulesRulesTests
{
    private const string Address = "https://management.azure.com/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/shop/config/web";
    private const string Host = "shop-staging.azurewebsites.net";
    private static readonly RampUpRules Rules = new(new AppServiceSlotTarget("s", "rg", "shop", "staging"), Address);

    private static JsonObject Config(params JsonObject[] rules) =>
        new() { ["properties"] = new JsonObject { ["experiments"] = new JsonObject { ["rampUpRules"] = new JsonArray(rules) } } };

    private static JsonObject Rule(string name, double percent, string? host = null) =>
        new() { ["actionHostName"] = host ?? $"shop-{name}.azurewebsites.net", ["reroutePercentage"] = percent, ["name"] = name };

    private static JsonArray Written(JsonObject patch) => patch["properties"]!["experiments"]!["rampUpRules"]!.AsArray();

    [Fact]
    public void R1_the_canarys_rule_is_the_one_named_after_the_slot_in_any_case()
    {
        Assert.Equal(30, Rules.Read(Config(Rule("qa", 0), Rule("Staging", 30))).CanaryPercent);
    }

    [Fact]
    public void R2_no_rule_for_the_slot_is_0_percent()
    {
        Assert.Equal(0, Rules.Read(Config()).CanaryPercent);
        Assert.Equal(0, Rules.Read(new JsonObject { ["properties"] = new JsonObject() }).CanaryPercent);
    }

    [Fact]
    public void R3_another_slot_with_a_share_is_SLU266()
    {
        var e = Assert.Throws<SluiceException>(() => Rules.Read(Config(Rule("qa", 10), Rule("staging", 5))));
        Assert.Equal((ErrorKind.Usage, ErrorCodes.BackendNotRouted), (e.Kind, e.Code));
        Assert.Contains("10 % of its traffic to qa", e.Message);
    }

    [Fact]
    public void R4_a_decimal_percentage_reads_rounded_and_one_outside_0_to_100_is_SLU273()
    {
        Assert.Equal(13, Rules.Read(Config(Rule("staging", 12.5))).CanaryPercent);
        var e = Assert.Throws<SluiceException>(() => Rules.Read(Config(Rule("staging", 120))));
        Assert.Equal(ErrorCodes.RouterAnswerUnreadable, e.Code);
    }

    [Fact]
    public void R5_writing_0_removes_the_rule_and_above_0_writes_a_static_rule_without_auto_ramp_up()
    {
        var auto = Rule("staging", 10);
        auto["changeStep"] = 5;
        auto["maxReroutePercentage"] = 50;
        Assert.Empty(Written(Rules.Patch(Config(auto.DeepClone().AsObject()), TrafficSplit.AllBaseline, Host)));
        var rule = Assert.Single(Written(Rules.Patch(Config(auto), new TrafficSplit(25), Host)))!.AsObject();
        Assert.True(JsonNode.DeepEquals(new JsonObject { ["actionHostName"] = Host, ["reroutePercentage"] = 25, ["name"] = "staging" }, rule));
    }

    [Fact]
    public void R6_the_other_slots_rules_are_written_back_as_read()
    {
        var qa = Rule("qa", 0);
        qa["changeDecisionCallbackUrl"] = "https://example.invalid/decide";
        var written = Written(Rules.Patch(Config(qa, Rule("staging", 5)), new TrafficSplit(50), Host));
        Assert.True(JsonNode.DeepEquals(qa, written[0]));
        Assert.Equal("staging", (string?)written[1]!["name"]);
    }
}
