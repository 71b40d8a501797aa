using Sluice.Cloud.Tests.Fakes;
using Sluice.Testing.Postgres;

namespace Sluice.Cloud.Tests.Azure;

/// <summary>The fake ARM must satisfy Azure's own <c>@azure/arm-postgresql-flexible</c> client, long-running operations
/// and throttling included, so it cannot drift from the real API.</summary>
public sealed class FakeFlexibleServerOfficialClientTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Fake_flexible_server_satisfies_the_official_azure_client_including_lro_polling_and_429()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var env = await AzureFakeEnvironment.StartAsync(postgres, ct);
        env.Fake.Throttle = new FakeThrottle(2);
        await CloudValidators.Folder.EnsureInstalledAsync(ct);
        var ca = Path.Combine(env.Folder, "fake-arm.pem");
        await File.WriteAllTextAsync(ca, env.Fake.Loopback.Certificate!.ExportCertificatePem(), ct);

        var (code, output) = await CloudValidators.Folder.RunAsync("node",
            ["azure.mjs", env.Fake.Endpoint.ToString().TrimEnd('/'), FakeFlexibleServer.Subscription, FakeFlexibleServer.Group, AzureFakeEnvironment.Server, FakeFlexibleServer.Token, ca], ct);

        Assert.True(code == 0, output);
        Assert.Contains("all checks passed", output);
        Assert.Equal(0, env.Fake.Throttle.Count);
        Assert.Empty(env.Fake.Copies);
        Assert.Empty(env.Fake.SnapshotNames);
    }
}
