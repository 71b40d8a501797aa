using Sluice.Environments;
using Sluice.Migrations.Plans;

namespace Sluice.Tests;

/// <summary>The rules of <see cref="DatabaseChoice"/>, row by row, and how the service that names it is found.</summary>
public sealed class DatabaseChoiceRulesTests
{
    [Fact]
    public void Rule1_the_database_key_wins_and_the_line_says_it_came_from_there()
    {
        var choice = DatabaseChoice.For("shop_dev", "shop");
        Assert.Equal(("shop_dev", DatabaseSource.Configured), (choice.Name, choice.Source));
        Assert.Equal("using database shop_dev for service shop (the 'database' key of environment 'local')", choice.Describe("local"));
    }

    [Fact]
    public void Rule2_else_the_service_names_it_and_the_line_says_how_to_choose_another()
    {
        var choice = DatabaseChoice.For(null, "billing");
        Assert.Equal(("billing", DatabaseSource.Service), (choice.Name, choice.Source));
        Assert.Equal("using database billing for service billing (named after the service; set \"database\" under \"environment\" in .nuke/parameters.local.json to use another)",
            choice.Describe("local"));
    }

    [Fact]
    public void Rule3_else_sluice_and_the_line_says_no_service_was_named()
    {
        var choice = DatabaseChoice.For(null, null);
        Assert.Equal(("sluice", DatabaseSource.Fallback), (choice.Name, choice.Source));
        Assert.StartsWith("using database sluice (no service named: pass --service", choice.Describe("dev"));
    }

    [Fact]
    public void The_service_is_the_one_given_else_the_only_one_under_the_pipelines_folder()
    {
        Assert.Null(ServicePlans.ServiceName(RepositoryFiles.Pipelines, null)); // two services (shop, billing): none is the only one
        Assert.Equal("billing", ServicePlans.ServiceName(RepositoryFiles.Pipelines, "billing"));
        using var scratch = new ScratchFolder();
        Assert.Null(ServicePlans.ServiceName(Path.Combine(scratch.Path, "missing"), null));
        Assert.Null(ServicePlans.ServiceName(scratch.Path, null));
        Directory.CreateDirectory(Path.Combine(scratch.Path, "shop", "migrations"));
        Directory.CreateDirectory(Path.Combine(scratch.Path, "billing", "migrations"));
        Assert.Null(ServicePlans.ServiceName(scratch.Path, null)); // several: nothing names one
    }

    [Fact]
    public void An_environment_request_without_service_or_key_falls_back_but_says_so()
    {
        var request = new EnvironmentRequest("local", EnvironmentSpec.LocalDefault, "/repo", new Dictionary<string, string>(), ServiceName: "shop");
        Assert.Equal("shop", request.DatabaseName);
        Assert.Equal(DatabaseSource.Service, request.Database.Source);
    }
}
