using Sluice.Cloud.Tests.Fakes;
using Sluice.Testing.Postgres;

namespace Sluice.Cloud.Tests.Azure;

/// <summary>The fake ARM against Azure's own <c>@azure/arm-postgresql-flexible</c> client, long-running operations and
/// 429 throttling included; the client trusts the fake's certificate only.</summary>
public sealed class FakeFlexibleServerOfficialClientTests(PostgresFixture postgres) : OfficialClientTests<AzureFakeEnvironment>(postgres)
{
    protected override Task<AzureFakeEnvironment> StartAsync(PostgresFixture fixture, CancellationToken ct) => AzureFakeEnvironment.StartAsync(fixture, ct);

    protected override FakeThrottle Throttle() => new(2);

    protected override async Task<IReadOnlyList<string>> ScriptAsync(AzureFakeEnvironment env, CancellationToken ct)
    {
        var ca = Path.Combine(env.Folder, "fake-arm.pem");
        await File.WriteAllTextAsync(ca, env.Fake.Loopback.Certificate!.ExportCertificatePem(), ct);
        return ["azure.mjs", env.Fake.Endpoint.ToString().TrimEnd('/'), FakeFlexibleServer.Subscription, FakeFlexibleServer.Group, AzureFakeEnvironment.Server, FakeFlexibleServer.Token, ca];
    }

    protected override void AfterwardsHolds(AzureFakeEnvironment env) => Assert.Empty(env.Fake.SnapshotNames);
}
