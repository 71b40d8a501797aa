using Sluice.Migrations.Journal;

namespace Sluice.Tests;

public sealed class RunnerIdentityTests
{
    [Fact]
    public void GitHub_Actions_runs_are_named_by_their_url()
    {
        var identity = RunnerIdentity.FromEnvironment(new Dictionary<string, string>
        {
            ["GITHUB_ACTOR"] = "octocat",
            ["GITHUB_SERVER_URL"] = "https://github.com",
            ["GITHUB_REPOSITORY"] = "acme/shop",
            ["GITHUB_RUN_ID"] = "123",
            ["GITHUB_RUN_ATTEMPT"] = "2",
        }, machineName: "runner-1");
        Assert.Equal(new RunnerIdentity("octocat", "runner-1", "https://github.com/acme/shop/actions/runs/123/attempts/2"), identity);
        Assert.Equal("octocat@runner-1 (https://github.com/acme/shop/actions/runs/123/attempts/2)", identity.ToString());
    }

    [Fact]
    public void Azure_Pipelines_runs_are_named_by_their_url()
    {
        var identity = RunnerIdentity.FromEnvironment(new Dictionary<string, string>
        {
            ["BUILD_REQUESTEDFOREMAIL"] = "dev@acme.test",
            ["SYSTEM_COLLECTIONURI"] = "https://dev.azure.com/acme/",
            ["SYSTEM_TEAMPROJECT"] = "Shop Team",
            ["BUILD_BUILDID"] = "77",
        }, machineName: "agent");
        Assert.Equal("https://dev.azure.com/acme/Shop%20Team/_build/results?buildId=77", identity.CiRunUrl);
        Assert.Equal("dev@acme.test", identity.User);
    }

    [Fact]
    public void A_plain_machine_has_no_run_url()
    {
        var identity = RunnerIdentity.FromEnvironment(new Dictionary<string, string> { ["USER"] = "alice" }, machineName: "laptop");
        Assert.Equal(new RunnerIdentity("alice", "laptop", null), identity);
    }
}
