using Sluice.Cloud.Tests.Fakes;
using Sluice.Testing.Postgres;

namespace Sluice.Cloud.Tests.Rds;

/// <summary>The fake RDS must satisfy the AWS SDK for JavaScript's own RDS client, so it cannot drift from the real API.</summary>
public sealed class FakeRdsOfficialClientTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Fake_rds_satisfies_the_official_aws_sdk_client_including_throttling_and_error_shapes()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var env = await RdsFakeEnvironment.StartAsync(postgres, ct);
        env.Fake.Throttle = new FakeThrottle(2, "DescribeDBSnapshots");
        await CloudValidators.Folder.EnsureInstalledAsync(ct);

        var (code, output) = await CloudValidators.Folder.RunAsync("node",
            ["rds.mjs", env.Fake.Endpoint.ToString().TrimEnd('/'), RdsFakeEnvironment.Instance, FakeRds.AccessKey, FakeRds.SecretKey, FakeRds.Region], ct);

        Assert.True(code == 0, output);
        Assert.Contains("all checks passed", output);
        Assert.Equal(0, env.Fake.Throttle.Count);
        Assert.Empty(env.Fake.Copies);
    }
}
