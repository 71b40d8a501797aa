using Sluice.Cloud.Tests.Fakes;
using Sluice.Testing.Postgres;

namespace Sluice.Cloud.Tests.Rds;

/// <summary>The fake RDS against the AWS SDK for JavaScript's own RDS client (<c>@aws-sdk/client-rds</c>), its
/// <c>Throttling</c> error included.</summary>
public sealed class FakeRdsOfficialClientTests(PostgresFixture postgres) : OfficialClientTests<RdsFakeEnvironment>(postgres)
{
    protected override Task<RdsFakeEnvironment> StartAsync(PostgresFixture fixture, CancellationToken ct) => RdsFakeEnvironment.StartAsync(fixture, ct);

    protected override FakeThrottle Throttle() => new(2, "DescribeDBSnapshots");

    protected override Task<IReadOnlyList<string>> ScriptAsync(RdsFakeEnvironment env, CancellationToken ct) => Task.FromResult<IReadOnlyList<string>>(
        ["rds.mjs", env.Fake.Endpoint.ToString().TrimEnd('/'), RdsFakeEnvironment.Instance, FakeRds.AccessKey, FakeRds.SecretKey, FakeRds.Region]);
}
