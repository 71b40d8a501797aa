using Sluice.Cloud.Tests.Azure;
using Sluice.Cloud.Tests.Fakes;
using Sluice.Cloud.Tests.Rds;
using Sluice.Errors;
using Sluice.Postgres.Snapshots.Cloud;
using Sluice.Snapshots;
using Sluice.Snapshots.Cloud;
using Sluice.Testing.Postgres;

namespace Sluice.Cloud.Tests;

/// <summary>Snapshot, verify and every fault mode, against each provider's fake (<see cref="FakeRds"/>,
/// <see cref="FakeFlexibleServer"/>), each backed by real PostgreSQL: each test ends with no copy left and a clear message.</summary>
public sealed class CloudSnapshotsAgainstFakesTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("rds")]
    [InlineData("azure_flexible")]
    public async Task Fake_snapshot_is_verified_on_a_small_tagged_copy_which_is_then_deleted(string provider)
    {
        await using var world = await StartAsync(postgres, provider);
        var store = world.Store();
        IReadOnlyDictionary<string, string>? copyTags = null;
        world.Cloud.OnCopyAvailable = copy => copyTags = world.Cloud.TagsOf(copy);

        var manifest = await store.CreateAsync(world.Database.ConnectionString, Ct);
        Assert.Equal(SnapshotFormat.Provider, manifest.Format);
        Assert.Contains(manifest.ProviderSnapshot, world.Cloud.SnapshotNames);
        Assert.Null((await store.ListAsync(Ct)).Single().VerifiedAt);

        var verification = await store.VerifyAsync(manifest.Id, Ct);

        Assert.Equal(100, verification.Rows);
        Assert.NotNull((await store.ListAsync(Ct)).Single().VerifiedAt);
        Assert.NotNull(copyTags);
        Assert.Equal(world.SourceName, copyTags![CloudTags.CopyOf]);
        Assert.Equal(manifest.Id, copyTags[CloudTags.Snapshot]);
        Assert.Equal("0001-add-orders", copyTags[CloudTags.Plan]);
        Assert.True(copyTags.ContainsKey(CloudTags.CreatedAt));
        Assert.Empty(world.Cloud.Copies);
    }

    [Theory]
    [InlineData("rds")]
    [InlineData("azure_flexible")]
    public async Task Fake_corrupted_restore_fails_verify_naming_the_table_and_leaves_no_copy(string provider)
    {
        await using var world = await StartAsync(postgres, provider);
        var store = world.Store();
        var manifest = await store.CreateAsync(world.Database.ConnectionString, Ct);
        world.Cloud.CorruptRestore = "UPDATE orders SET total = total + 1 WHERE id = 7";

        var failure = await Assert.ThrowsAsync<SluiceException>(() => store.VerifyAsync(manifest.Id, Ct));

        Assert.Equal(ErrorCodes.FingerprintMismatch, failure.Code);
        Assert.Contains("orders", failure.Message);
        Assert.Null((await store.ListAsync(Ct)).Single().VerifiedAt);
        Assert.Empty(world.Cloud.Copies);
    }

    [Theory]
    [InlineData("rds")]
    [InlineData("azure_flexible")]
    public async Task Fake_throttling_is_retried_until_it_passes(string provider)
    {
        await using var world = await StartAsync(postgres, provider);
        var store = world.Store();
        var manifest = await store.CreateAsync(world.Database.ConnectionString, Ct);
        world.Cloud.Throttle = provider == "rds" ? new FakeThrottle(3, "DescribeDBInstances", retryAfterSeconds: 0) : new FakeThrottle(2);

        await store.VerifyAsync(manifest.Id, Ct);

        Assert.Equal(0, world.Cloud.Throttle.Count);
        Assert.Empty(world.Cloud.Copies);
    }

    [Theory]
    [InlineData("rds")]
    [InlineData("azure_flexible")]
    public async Task Fake_restore_failing_halfway_fails_clearly_and_leaves_no_copy(string provider)
    {
        await using var world = await StartAsync(postgres, provider);
        var store = world.Store();
        var manifest = await store.CreateAsync(world.Database.ConnectionString, Ct);
        world.Cloud.RestoreOutcome = FakeRestore.FailsHalfway;

        var failure = await Assert.ThrowsAsync<SluiceException>(() => store.VerifyAsync(manifest.Id, Ct));

        Assert.Equal(ErrorCodes.CloudOperationFailed, failure.Code);
        Assert.Contains("copy sluice-copy-", failure.Message);
        Assert.Contains(provider == "rds" ? "incompatible-restore" : "failed halfway", failure.Message);
        Assert.Empty(world.Cloud.Copies);
    }

    [Theory]
    [InlineData("rds")]
    [InlineData("azure_flexible")]
    public async Task Fake_restore_never_available_times_out_and_leaves_no_copy(string provider)
    {
        await using var world = await StartAsync(postgres, provider);
        var store = world.Store(world.Definition(TimeSpan.FromSeconds(2)));
        var manifest = await store.CreateAsync(world.Database.ConnectionString, Ct);
        world.Cloud.RestoreOutcome = FakeRestore.NeverAvailable;

        var failure = await Assert.ThrowsAsync<SluiceException>(() => store.VerifyAsync(manifest.Id, Ct));

        Assert.Equal(ErrorCodes.CloudOperationTimedOut, failure.Code);
        Assert.Contains("limit 2s", failure.Message);
        Assert.Empty(world.Cloud.Copies);
    }

    [Theory]
    [InlineData("rds")]
    [InlineData("azure_flexible")]
    public async Task Fake_cancelled_verify_deletes_its_copy(string provider)
    {
        await using var world = await StartAsync(postgres, provider);
        var store = world.Store();
        var manifest = await store.CreateAsync(world.Database.ConnectionString, Ct);
        using var ctrlC = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        string? cancelledOn = null;
        world.Cloud.OnCopyAvailable = copy =>
        {
            cancelledOn = copy;
            ctrlC.Cancel();
        };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.VerifyAsync(manifest.Id, ctrlC.Token));

        Assert.NotNull(cancelledOn);
        Assert.Empty(world.Cloud.Copies);
        Assert.Null((await store.ListAsync(Ct)).Single().VerifiedAt);
    }

    /// <summary>Either provider's world, by its name in the theory data.</summary>
    private static async Task<FakeCloudEnvironment> StartAsync(PostgresFixture postgres, string provider) =>
        provider == "rds" ? await RdsFakeEnvironment.StartAsync(postgres, Ct) : await AzureFakeEnvironment.StartAsync(postgres, Ct);
}
