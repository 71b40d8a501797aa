using System.Text.Json.Nodes;
using Sluice.Azure.Traffic;

namespace Sluice.Adapters.Tests.Azure;

/// <summary>
/// Keeps the ARM fake and the router honest against the App Service REST API excerpt (api-version 2024-04-01):
/// the api-version, the paths and operations, and the ramp-up rule's property names and types.
/// </summary>
public sealed class FakeArmConformanceTests
{
    [Fact]
    public void Router_pins_the_api_version_the_spec_describes()
    {
        Assert.Equal(AppServiceSlotTrafficRouter.ApiVersion, FakeArm.ApiVersion);
    }

    [Fact]
    public void Fake_serves_the_paths_and_operations_of_the_spec()
    {
        var paths = FakeArm.Excerpt["paths"]!.AsObject();
        var config = paths["/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Web/sites/{name}/config/web"]!.AsObject();
        Assert.Equal(["get", "put", "patch"], config.Select(p => p.Key));
        Assert.Equal("WebApps_UpdateConfiguration", (string?)config["patch"]!["operationId"]);
        Assert.NotNull(paths["/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Web/sites/{name}/slots/{slot}"]!["get"]);
    }

    [Fact]
    public void The_rule_the_router_writes_uses_only_the_specs_property_names_and_types()
    {
        var rule = FakeArm.Excerpt["definitions"]!["RampUpRule"]!["properties"]!.AsObject();
        Assert.Equal("string", (string?)rule["actionHostName"]!["type"]);
        Assert.Equal("number", (string?)rule["reroutePercentage"]!["type"]);
        Assert.Equal("string", (string?)rule["name"]!["type"]);
        Assert.Equal("#/definitions/RampUpRule", (string?)FakeArm.Excerpt["definitions"]!["Experiments"]!["properties"]!["rampUpRules"]!["items"]!["$ref"]);
        Assert.Equal("#/definitions/Experiments", (string?)FakeArm.Excerpt["definitions"]!["SiteConfig"]!["properties"]!["experiments"]!["$ref"]);
    }

    public static TheoryData<string, string> Refused => new()
    {
        { "a misspelled property", """{"actionHostName":"a.azurewebsites.net","reroutePercent":5,"name":"staging"}""" },
        { "a percentage as a string", """{"actionHostName":"a.azurewebsites.net","reroutePercentage":"5","name":"staging"}""" },
        { "a name that is a number", """{"actionHostName":"a.azurewebsites.net","reroutePercentage":5,"name":7}""" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void Fake_refuses_a_rule_the_spec_does_not_describe(string why, string rule)
    {
        var body = new JsonObject { ["properties"] = new JsonObject { ["experiments"] = new JsonObject { ["rampUpRules"] = new JsonArray(JsonNode.Parse(rule)) } } };
        Assert.True(FakeArm.ValidateSiteConfigResource(body).Count > 0, why);
    }

    [Fact]
    public void Fake_accepts_a_rule_with_its_unset_optional_fields_null()
    {
        // Swagger 2.0 cannot say "nullable"; ARM's serializers write an unset property as null, so the fake takes null.
        var body = JsonNode.Parse("""{"properties":{"experiments":{"rampUpRules":[{"actionHostName":"shop-staging.azurewebsites.net","reroutePercentage":25.0,"changeStep":null,"changeIntervalInMinutes":null,"minReroutePercentage":null,"maxReroutePercentage":null,"changeDecisionCallbackUrl":null,"name":"staging"}]}}}""")!;
        Assert.Empty(FakeArm.ValidateSiteConfigResource(body));
    }
}
