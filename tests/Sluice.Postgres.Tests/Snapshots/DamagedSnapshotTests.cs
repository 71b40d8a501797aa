using Sluice.Errors;
using Sluice.Fingerprints;
using Sluice.Gates;
using Sluice.Postgres.Tests.Fingerprints;
using Sluice.Snapshots;
using Sluice.Testing.Postgres;

namespace Sluice.Postgres.Tests.Snapshots;

/// <summary>A damaged snapshot is reported as damaged, by name and why; "the latest" is the latest folder; a gate
/// counts only snapshots whose files still match their manifest.</summary>
[Trait(Needs.Trait, Needs.ClientPrograms)]
public sealed class DamagedSnapshotTests(PostgresFixture postgres)
{
    [Fact]
    public async Task A_newest_snapshot_without_its_manifest_is_the_latest_and_is_reported_damaged_not_skipped()
    {
        var ct = TestContext.Current.CancellationToken;
        using var folder = new TempFolder("sluice-snap");
        await using var source = await FingerprintShop.CreateAsync(postgres, 100, analyze: false, ct);
        var store = await Stores.PgDumpAsync(postgres, folder.Path, ct);
        var catalog = new SnapshotCatalog(folder.Path);
        var older = await store.CreateAsync(source.ConnectionString, ct);
        await Task.Delay(TimeSpan.FromSeconds(1.1), ct); // ids sort by time to the second
        var newer = await store.CreateAsync(source.ConnectionString, ct);
        File.Delete(Path.Combine(folder.Path, newer.Id, SnapshotManifest.FileName));

        Assert.Equal(newer.Id, await catalog.LatestAsync(ct));
        var error = await Assert.ThrowsAsync<SluiceException>(async () => await store.VerifyAsync(await catalog.LatestAsync(ct), ct));
        Assert.Equal((ErrorKind.Failure, ErrorCodes.ManifestUnreadable), (error.Kind, error.Code));
        Assert.Contains($"snapshot {newer.Id} is damaged: its manifest.json is missing", error.Message);

        var listed = await catalog.InspectAsync(checkFiles: true, ct);
        Assert.Equal([newer.Id, older.Id], listed.Select(e => e.Id));
        Assert.Contains("manifest.json is missing", listed[0].Damage);
        Assert.True(listed[1].Intact);

        // The only snapshot, damaged: still found, and reported as damaged rather than "no snapshots".
        Directory.Delete(Path.Combine(folder.Path, older.Id), recursive: true);
        Assert.Equal(newer.Id, await catalog.LatestAsync(ct));
        Assert.False(Assert.Single(await catalog.InspectAsync(checkFiles: true, ct)).Intact);
    }

    [Theory]
    [InlineData("deleted", "a file the manifest lists is missing")]
    [InlineData("changed", "SHA-256")]
    [InlineData("unreadable", "manifest.json is unreadable")]
    public async Task A_verified_snapshot_damaged_afterwards_is_listed_as_damaged_and_no_longer_counts_for_the_gate(string damage, string why)
    {
        var ct = TestContext.Current.CancellationToken;
        using var folder = new TempFolder("sluice-snap");
        await using var source = await FingerprintShop.CreateAsync(postgres, 100, analyze: false, ct);
        var store = await Stores.PgDumpAsync(postgres, folder.Path, ct);
        var catalog = new SnapshotCatalog(folder.Path);
        var snapshot = await store.CreateAsync(source.ConnectionString, ct);
        await store.VerifyAsync(snapshot.Id, ct);
        var gateSource = new SnapshotCatalogSource(catalog);
        Assert.NotNull(await gateSource.LatestVerifiedAsync("test", ct));

        var dump = Path.Combine(folder.Path, snapshot.Id, "dump");
        switch (damage)
        {
            case "deleted": File.Delete(dump); break;
            case "changed":
                var bytes = await File.ReadAllBytesAsync(dump, ct);
                bytes[bytes.Length / 2] ^= 0x01;
                await File.WriteAllBytesAsync(dump, bytes, ct);
                break;
            default: await File.WriteAllTextAsync(Path.Combine(folder.Path, snapshot.Id, SnapshotManifest.FileName), "{ \"id\": ", ct); break;
        }

        var entry = Assert.Single(await catalog.InspectAsync(checkFiles: true, ct));
        Assert.Equal(snapshot.Id, entry.Id);
        Assert.False(entry.Intact);
        Assert.Contains(why, entry.Damage);
        Assert.Contains($"snapshot {snapshot.Id} is damaged", entry.Damage);
        Assert.Null(await gateSource.LatestVerifiedAsync("test", ct));
    }
}
