using Sluice.Errors;
using Sluice.Snapshots;
using Sluice.Snapshots.Cloud;
using Sluice.Testing.Postgres;

namespace Sluice.Cloud.Tests.Rds;

/// <summary>RDS snapshots, verified restores and their fault modes, against <see cref="FakeRds"/>: every test ends
/// with no copy left at the fake.</summary>
public sealed class RdsSnapshotsAgainstFakeRdsTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Fake_rds_snapshot_is_tagged_verified_on_a_small_tagged_copy_and_the_copy_is_deleted()
    {
        await using var env = await RdsFakeEnvironment.StartAsync(postgres, Ct);
        var store = env.Store();
        IReadOnlyDictionary<string, string>? copyTags = null;
        env.Fake.OnCopyAvailable = copy => copyTags = env.Fake.TagsOf(copy);

        var manifest = await store.CreateAsync(env.Database.ConnectionString, Ct);
        Assert.Equal(SnapshotFormat.Provider, manifest.Format);
        Assert.Contains(manifest.ProviderSnapshot, env.Fake.SnapshotNames);
        var snapshotTags = env.Fake.TagsOf(manifest.ProviderSnapshot!);
        Assert.Equal("0001-add-orders", snapshotTags[CloudTags.Plan]);
        Assert.Equal("test-run", snapshotTags[CloudTags.Run]);
        Assert.Null((await store.ListAsync(Ct)).Single().VerifiedAt);

        var verification = await store.VerifyAsync(manifest.Id, Ct);

        Assert.Equal(100, verification.Rows);
        Assert.NotNull((await store.ListAsync(Ct)).Single().VerifiedAt);
        Assert.NotNull(copyTags);
        Assert.Equal(RdsFakeEnvironment.Instance, copyTags![CloudTags.CopyOf]);
        Assert.Equal(manifest.Id, copyTags[CloudTags.Snapshot]);
        Assert.Contains("RestoreDBInstanceFromDBSnapshot", env.Fake.Calls);
        Assert.Contains("DeleteDBInstance", env.Fake.Calls);
        Assert.Empty(env.Fake.Copies);
    }

    [Fact]
    public async Task Fake_rds_corrupted_restore_fails_verify_naming_the_table_and_deletes_the_copy()
    {
        await using var env = await RdsFakeEnvironment.StartAsync(postgres, Ct);
        var store = env.Store();
        var manifest = await store.CreateAsync(env.Database.ConnectionString, Ct);
        env.Fake.CorruptRestore = "UPDATE orders SET total = total + 1 WHERE id = 7";

        var failure = await Assert.ThrowsAsync<SluiceException>(() => store.VerifyAsync(manifest.Id, Ct));

        Assert.Equal(ErrorCodes.FingerprintMismatch, failure.Code);
        Assert.Contains("orders", failure.Message);
        Assert.Null((await store.ListAsync(Ct)).Single().VerifiedAt);
        Assert.Empty(env.Fake.Copies);
    }

    [Fact]
    public async Task Fake_rds_throttling_is_retried_until_it_passes()
    {
        await using var env = await RdsFakeEnvironment.StartAsync(postgres, Ct);
        var store = env.Store();
        var manifest = await store.CreateAsync(env.Database.ConnectionString, Ct);
        env.Fake.Throttle = new FakeRds.ThrottleMode("DescribeDBInstances", 3, retryAfterSeconds: 0);

        await store.VerifyAsync(manifest.Id, Ct);

        Assert.Equal(0, env.Fake.Throttle.Count);
        Assert.Empty(env.Fake.Copies);
    }

    [Fact]
    public async Task Fake_rds_throttling_that_never_ends_fails_clearly_and_leaves_no_copy()
    {
        await using var env = await RdsFakeEnvironment.StartAsync(postgres, Ct);
        var store = env.Store();
        var manifest = await store.CreateAsync(env.Database.ConnectionString, Ct);
        env.Fake.Throttle = new FakeRds.ThrottleMode("RestoreDBInstanceFromDBSnapshot", 1000);

        var failure = await Assert.ThrowsAsync<SluiceException>(() => store.VerifyAsync(manifest.Id, Ct));

        Assert.Equal(ErrorCodes.CloudThrottled, failure.Code);
        Assert.Contains("RestoreDBInstanceFromDBSnapshot", failure.Message);
        Assert.Empty(env.Fake.Copies);
    }

    [Fact]
    public async Task Fake_rds_restore_failing_halfway_fails_clearly_and_leaves_no_copy()
    {
        await using var env = await RdsFakeEnvironment.StartAsync(postgres, Ct);
        var store = env.Store();
        var manifest = await store.CreateAsync(env.Database.ConnectionString, Ct);
        env.Fake.RestoreOutcome = FakeRds.RestoreBehaviour.FailsHalfway;

        var failure = await Assert.ThrowsAsync<SluiceException>(() => store.VerifyAsync(manifest.Id, Ct));

        Assert.Equal(ErrorCodes.CloudOperationFailed, failure.Code);
        Assert.Contains("incompatible-restore", failure.Message);
        Assert.Empty(env.Fake.Copies);
    }

    [Fact]
    public async Task Fake_rds_restore_never_available_times_out_and_leaves_no_copy()
    {
        await using var env = await RdsFakeEnvironment.StartAsync(postgres, Ct);
        var store = env.Store(env.Definition(operationTimeout: TimeSpan.FromSeconds(2)));
        var manifest = await store.CreateAsync(env.Database.ConnectionString, Ct);
        env.Fake.RestoreOutcome = FakeRds.RestoreBehaviour.NeverAvailable;

        var failure = await Assert.ThrowsAsync<SluiceException>(() => store.VerifyAsync(manifest.Id, Ct));

        Assert.Equal(ErrorCodes.CloudOperationTimedOut, failure.Code);
        Assert.Contains("'creating'", failure.Message);
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
    public async Task Fake_rds_cancelled_verify_deletes_its_copy()
    {
        await using var env = await RdsFakeEnvironment.StartAsync(postgres, Ct);
        var store = env.Store();
        var manifest = await store.CreateAsync(env.Database.ConnectionString, Ct);
        using var ctrlC = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        string? cancelledOn = null;
        env.Fake.OnCopyAvailable = copy =>
        {
            cancelledOn = copy;
            ctrlC.Cancel();
        };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.VerifyAsync(manifest.Id, ctrlC.Token));

        Assert.NotNull(cancelledOn);
        Assert.Empty(env.Fake.Copies);
        Assert.Null((await store.ListAsync(Ct)).Single().VerifiedAt);
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
        var store = env.Store(secret: "not-the-secret");

        var failure = await Assert.ThrowsAsync<SluiceException>(() => store.CreateAsync(env.Database.ConnectionString, Ct));

        Assert.Equal(ErrorCodes.CloudForbidden, failure.Code);
        Assert.Contains("SignatureDoesNotMatch", failure.Message);
        Assert.Empty(env.Fake.SnapshotNames);
        Assert.Empty(await store.ListAsync(Ct));
    }
}
