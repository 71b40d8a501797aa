using Sluice.Environments;
using Sluice.Errors;
using Sluice.Snapshots.Cloud;

namespace Sluice.Cloud.Tests;

/// <summary>The rows of <see cref="CloudDefinitionReader"/>, one test each, read from a real parameters file so every
/// error names the file and the line of the key at fault.</summary>
public sealed class CloudDefinitionRulesTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("cloud-spec-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Row_1_a_cloud_object_on_a_connection_environment_is_refused()
    {
        var e = Refused("""
            {
              "environment": {
                "provider": "connection",
                "connection_string_variable": "DB",
                "cloud": { "instance": "x", "region": "eu-west-1" }
              }
            }
            """);
        Assert.Equal((ErrorCodes.BadCloudDefinition, 5), (e.Code, e.Line));
    }

    [Fact]
    public void Row_1_an_rds_environment_without_a_cloud_object_is_refused()
    {
        var e = Refused("""
            {
              "environment": {
                "provider": "rds",
                "connection_string_variable": "DB"
              }
            }
            """);
        Assert.Equal((ErrorCodes.BadCloudDefinition, 3), (e.Code, e.Line));
        Assert.Contains("instance and region", e.Message);
    }

    [Fact]
    public void Row_1_an_rds_environment_needs_its_connection_string_variable()
    {
        var e = Refused("""
            {
              "environment": {
                "provider": "rds",
                "cloud": { "instance": "shop-prod", "region": "eu-west-1" }
              }
            }
            """);
        Assert.Equal((ErrorCodes.BadEnvironment, 3), (e.Code, e.Line));
    }

    [Fact]
    public void Row_2_rds_needs_a_region()
    {
        var e = Refused(Rds("""{ "instance": "shop-prod" }"""));
        Assert.Equal((ErrorCodes.BadCloudDefinition, 5), (e.Code, e.Line));
        Assert.Contains("'cloud.region'", e.Message);
    }

    [Fact]
    public void Row_2_rds_takes_no_azure_key()
    {
        var e = Refused(Rds("""
            {
                  "instance": "shop-prod",
                  "region": "eu-west-1",
                  "resource_group": "rg"
                }
            """));
        Assert.Equal((ErrorCodes.BadCloudDefinition, 8), (e.Code, e.Line));
        Assert.Contains("does not apply to provider 'rds'", e.Message);
    }

    [Fact]
    public void Row_3_azure_flexible_needs_subscription_resource_group_and_server()
    {
        var e = Refused("""
            {
              "environment": {
                "provider": "azure_flexible",
                "connection_string_variable": "DB",
                "cloud": { "subscription": "0000", "server": "shop-prod" }
              }
            }
            """);
        Assert.Equal(ErrorCodes.BadCloudDefinition, e.Code);
        Assert.Contains("'cloud.resource_group'", e.Message);
    }

    [Fact]
    public void Row_4_an_http_endpoint_off_loopback_is_refused()
    {
        var e = Refused(Rds("""
            {
                  "instance": "shop-prod",
                  "region": "eu-west-1",
                  "endpoint": "http://rds.example.com/"
                }
            """));
        Assert.Equal((ErrorCodes.BadCloudDefinition, 8), (e.Code, e.Line));
    }

    [Fact]
    public void Row_5_a_class_of_the_wrong_shape_is_refused()
    {
        var e = Refused(Rds("""
            {
                  "instance": "shop-prod",
                  "region": "eu-west-1",
                  "copy_class": "Standard_B1ms"
                }
            """));
        Assert.Equal((ErrorCodes.BadCloudDefinition, 8), (e.Code, e.Line));
    }

    [Fact]
    public void Row_6_the_cost_guard_refuses_a_copy_larger_than_the_max()
    {
        var e = Refused(Rds("""
            {
                  "instance": "shop-prod",
                  "region": "eu-west-1",
                  "copy_class": "db.r6g.2xlarge",
                  "max_copy_class": "db.t4g.large"
                }
            """));
        Assert.Equal((ErrorCodes.CloudCostGuard, 8), (e.Code, e.Line));
    }

    [Fact]
    public void Row_7_the_cost_guard_refuses_a_lifetime_over_24h_and_a_timeout_longer_than_the_lifetime()
    {
        var lifetime = Refused(Rds("""
            {
                  "instance": "shop-prod",
                  "region": "eu-west-1",
                  "max_copy_lifetime": "2d"
                }
            """));
        Assert.Equal((ErrorCodes.CloudCostGuard, 8), (lifetime.Code, lifetime.Line));
        var timeout = Refused(Rds("""
            {
                  "instance": "shop-prod",
                  "region": "eu-west-1",
                  "max_copy_lifetime": "1h",
                  "operation_timeout": "90m"
                }
            """));
        Assert.Equal((ErrorCodes.CloudCostGuard, 9), (timeout.Code, timeout.Line));
    }

    [Fact]
    public void An_unknown_cloud_key_is_refused_at_its_line()
    {
        var e = Refused(Rds("""
            {
                  "instance": "shop-prod",
                  "region": "eu-west-1",
                  "instance_class": "db.t4g.micro"
                }
            """));
        Assert.Equal((ErrorCodes.BadCloudDefinition, 8), (e.Code, e.Line));
        Assert.EndsWith(".nuke/parameters.production.json", e.File);
    }

    [Fact]
    public void A_good_definition_is_read_with_its_defaults()
    {
        var spec = EnvironmentSpecReader.ReadFile(Write(Rds("""{ "instance": "shop-prod", "region": "eu-west-1", "max_copy_class": "db.t4g.small" }""")), ".nuke/parameters.production.json")!;
        var cloud = CloudDefinitionReader.Read(spec)!;
        Assert.Equal(("db.t4g.micro", TimeSpan.FromHours(2), TimeSpan.FromHours(1), false),
            (cloud.EffectiveCopyClass(CloudProviderKind.Rds), cloud.MaxCopyLifetime, cloud.OperationTimeout, cloud.RehearseOnCopy));
    }

    [Theory]
    [InlineData("db.t4g.micro", "db.t4g.small", true)]
    [InlineData("db.r6g.large", "db.r6g.xlarge", true)]
    [InlineData("db.r6g.2xlarge", "db.r6g.xlarge", false)]
    [InlineData("db.m7g.16xlarge", "db.m7g.4xlarge", false)]
    public void Rds_instance_classes_order_by_size(string smaller, string larger, bool ordered) =>
        Assert.Equal(ordered, InstanceClassSize.Of(CloudProviderKind.Rds, smaller) < InstanceClassSize.Of(CloudProviderKind.Rds, larger));

    [Theory]
    [InlineData("Standard_B1ms", 1)]
    [InlineData("Standard_D4ds_v5", 4)]
    [InlineData("Standard_E16ds_v4", 16)]
    public void Azure_skus_order_by_vcores(string sku, int cores) => Assert.Equal(cores, InstanceClassSize.Of(CloudProviderKind.AzureFlexible, sku));

    private static string Rds(string cloud) => $$"""
        {
          "environment": {
            "provider": "rds",
            "connection_string_variable": "DB",
            "cloud": {{cloud}}
          }
        }
        """;

    private string Write(string json)
    {
        var path = Path.Combine(_folder, "parameters.production.json");
        File.WriteAllText(path, json);
        return path;
    }

    private SluiceException Refused(string json)
    {
        var e = Assert.Throws<SluiceException>(() => EnvironmentSpecReader.ReadFile(Write(json), ".nuke/parameters.production.json"));
        Assert.Equal(ErrorKind.Usage, e.Kind);
        Assert.Equal(".nuke/parameters.production.json", e.File);
        return e;
    }
}
