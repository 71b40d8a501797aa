using Sluice.Cloud.Tests.Fakes;
using Sluice.Errors;
using Sluice.Snapshots;
using Sluice.Snapshots.Cloud;
using Sluice.Testing.Postgres;

namespace Sluice.Cloud.Tests.Rds;

/// <summary>What only RDS does or only its fake can show (never-ending throttling of one action, eventually consistent
/// describes, the sweep by tag, a refused signature); the fault modes both providers share are in
/// <see cref="CloudSnapshotsAgainstFakesTests"/>. Every test ends with no copy left at the fake.</summary>
public sealed class RdsSnapshotsAgainstFakeRdsTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Fake_rds_throttling_that_never_ends_fails_clearly_and_leaves_no_copy()
    {
        await using var env = await RdsFakeEnvironment.StartAsync(postgres, Ct);
        var store = env.Store();
        var manifest = await store.CreateAsync(env.Database.ConnectionString, Ct);
        env.Fake.Throttle = new FakeThrottle(1000, "RestoreDBInstanceFromDBSnapshot");

        var failure = await Assert.ThrowsAsync<SluiceException>(() => store.VerifyAsync(manifest.Id, Ct));

        Assert.Equal(ErrorCodes.CloudThrottled, failure.Code);
        Assert.Contains("RestoreDBInstanceFromDBSnapshot", failure.Message);
        Assert.Empty(env.Fake.Copies);
    }

    [Fact]
    public async Task Fake_rds_eventually_consistent_describes_are_waited_through()
    {
        await using var env = await RdsFakeEnvironment.StartAsync(postgres, Ct);
        env.Fake.HiddenDescribes = 3;
        var store = env.Store();

        var manifest = await store.CreateAsync(env.Database.ConnectionString, Ct);
        var verification = await store.VerifyAsync(manifest.Id, Ct);

        Assert.Equal(100, verification.Rows);
        Assert.Empty(env.Fake.Copies);
    }

    [Fact]
    public async Task Fake_rds_sweep_deletes_this_sources_copies_older_than_the_lifetime_only()
    {
        await using var env = await RdsFakeEnvironment.StartAsync(postgres, Ct);
        env.Fake.AddLeftoverCopy("sluice-copy-interrupted", RdsFakeEnvironment.Instance, TimeSpan.FromHours(3));
        env.Fake.AddLeftoverCopy("sluice-copy-running", RdsFakeEnvironment.Instance, TimeSpan.FromMinutes(10));
        env.Fake.AddLeftoverCopy("sluice-copy-of-another", "billing-prod", TimeSpan.FromHours(5));
        var store = env.Store();

        var swept = await store.SweepAsync(Ct);

        Assert.Equal(["sluice-copy-interrupted"], swept);
        Assert.Equal(["sluice-copy-of-another", "sluice-copy-running"], env.Fake.Copies);
    }

    [Fact]
    public async Task Fake_rds_refuses_a_wrong_signature_and_sluice_says_which_permission()
    {
        await using var env = await RdsFakeEnvironment.StartAsync(postgres, Ct);
        var store = env.Store(null, "not-the-secret");

        var failure = await Assert.ThrowsAsync<SluiceException>(() => store.CreateAsync(env.Database.ConnectionString, Ct));

        Assert.Equal(ErrorCodes.CloudForbidden, failure.Code);
        Assert.Contains("SignatureDoesNotMatch", failure.Message);
        Assert.Empty(env.Fake.SnapshotNames);
        Assert.Empty(await store.ListAsync(Ct));
    }
}
