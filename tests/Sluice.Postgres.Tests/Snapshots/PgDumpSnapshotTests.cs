using System.Text.Json;
using Npgsql;
using Sluice.Errors;
using Sluice.Fingerprints;
using Sluice.Postgres.Fingerprints;
using Sluice.Postgres.Tests.Fingerprints;
using Sluice.Snapshots;
using Sluice.Testing.Postgres;
using Sluice.Secrets;

namespace Sluice.Postgres.Tests.Snapshots;

[Trait(Needs.Trait, Needs.ClientPrograms)]
public sealed class PgDumpSnapshotTests(PostgresFixture postgres)
{
    [Fact]
    public async Task A_good_snapshot_verifies_and_its_manifest_describes_it_without_credentials()
    {
        var ct = TestContext.Current.CancellationToken;
        using var folder = new TempFolder("sluice-snap");
        await using var source = await FingerprintShop.CreateAsync(postgres, 500, analyze: true, ct);
        var listener = new RecordingListener();
        var store = await Stores.PgDumpAsync(postgres, folder.Path, ct, listener: listener);

        var manifest = await store.CreateAsync(source.ConnectionString, ct);
        Assert.False(manifest.Verified);
        var file = Assert.Single(manifest.Files);
        Assert.Equal("dump", file.Path);
        Assert.Matches("^[0-9a-f]{64}$", file.Sha256);
        Assert.Equal(new FileInfo(Path.Combine(folder.Path, manifest.Id, "dump")).Length, file.Bytes);
        var json = await File.ReadAllTextAsync(Path.Combine(folder.Path, manifest.Id, "manifest.json"), ct);
        Assert.DoesNotContain(new NpgsqlConnectionStringBuilder(source.ConnectionString).Password!, json);
        Assert.Contains($"/{source.Name}", manifest.Source);
        Assert.Equal(1000, manifest.Fingerprint.Data.Find("orders")!.Rows);

        var verification = await store.VerifyAsync(manifest.Id, ct);

        Assert.Equal((1, 4, 500L + 1000 + 3000 + 500), (verification.FilesChecked, verification.Tables, verification.Rows));
        var listed = Assert.Single(await store.ListAsync(ct));
        Assert.True(listed.Verified);
        Assert.Equal(manifest.Id, Assert.Single(listener.Heard).Id);
    }

    [Fact]
    public async Task A_directory_snapshot_dumps_and_verifies_in_parallel_on_a_throwaway_cluster()
    {
        var ct = TestContext.Current.CancellationToken;
        using var folder = new TempFolder("sluice-snap");
        await using var source = await FingerprintShop.CreateAsync(postgres, 500, analyze: false, ct);
        var store = await Stores.PgDumpAsync(postgres, folder.Path, ct, SnapshotFormat.Directory, scratchCluster: true);

        var manifest = await store.CreateAsync(source.ConnectionString, ct);
        Assert.Contains(manifest.Files, f => f.Path == "dump/toc.dat");
        Assert.True(manifest.Files.Count > 4);

        await store.VerifyAsync(manifest.Id, ct);
        Assert.True((await store.ListAsync(ct))[0].Verified);
    }

    [Fact]
    public async Task A_flipped_byte_a_truncated_file_a_deleted_file_and_a_lost_manifest_each_fail_verification_naming_the_file()
    {
        var ct = TestContext.Current.CancellationToken;
        using var folder = new TempFolder("sluice-snap");
        await using var source = await FingerprintShop.CreateAsync(postgres, 300, analyze: false, ct);
        var store = await Stores.PgDumpAsync(postgres, folder.Path, ct, SnapshotFormat.Directory);

        var flipped = await store.CreateAsync(source.ConnectionString, ct);
        var flippedFile = Path.Combine(folder.Path, flipped.Id, "dump", "toc.dat");
        var bytes = await File.ReadAllBytesAsync(flippedFile, ct);
        bytes[bytes.Length / 2] ^= 0x01;
        await File.WriteAllBytesAsync(flippedFile, bytes, ct);
        var error = await Assert.ThrowsAsync<SluiceException>(() => store.VerifyAsync(flipped.Id, ct));
        Assert.Equal(ErrorCodes.FileHashMismatch, error.Code);
        Assert.Equal(flippedFile, error.File);
        Assert.Contains("SHA-256", error.Message);

        var truncated = await store.CreateAsync(source.ConnectionString, ct);
        var largest = truncated.Files.MaxBy(f => f.Bytes)!;
        var truncatedFile = Path.Combine(folder.Path, truncated.Id, largest.Path);
        await using (var stream = new FileStream(truncatedFile, FileMode.Open)) stream.SetLength(largest.Bytes / 2);
        error = await Assert.ThrowsAsync<SluiceException>(() => store.VerifyAsync(truncated.Id, ct));
        Assert.Equal(ErrorCodes.FileMissingOrResized, error.Code);
        Assert.Equal(truncatedFile, error.File);
        Assert.Contains("truncated", error.Message);

        var deleted = await store.CreateAsync(source.ConnectionString, ct);
        var deletedFile = Path.Combine(folder.Path, deleted.Id, deleted.Files.First(f => f.Path != "dump/toc.dat").Path);
        File.Delete(deletedFile);
        error = await Assert.ThrowsAsync<SluiceException>(() => store.VerifyAsync(deleted.Id, ct));
        Assert.Equal(ErrorCodes.FileMissingOrResized, error.Code);
        Assert.Equal(deletedFile, error.File);
        Assert.Contains("missing", error.Message);

        var lost = await store.CreateAsync(source.ConnectionString, ct);
        var manifestFile = Path.Combine(folder.Path, lost.Id, "manifest.json");
        await File.WriteAllTextAsync(manifestFile, "{ \"id\": ", ct);
        error = await Assert.ThrowsAsync<SluiceException>(() => store.VerifyAsync(lost.Id, ct));
        Assert.Equal((ErrorCodes.ManifestUnreadable, manifestFile), (error.Code, error.File));

        Assert.Equal(ErrorCodes.SnapshotNotFound, (await Assert.ThrowsAsync<SluiceException>(() => store.VerifyAsync("no-such-id", ct))).Code);
    }

    [Fact]
    public async Task A_restore_that_differs_from_the_recorded_fingerprint_fails_naming_the_table()
    {
        var ct = TestContext.Current.CancellationToken;
        using var folder = new TempFolder("sluice-snap");
        await using var source = await FingerprintShop.CreateAsync(postgres, 300, analyze: true, ct);
        var store = await Stores.PgDumpAsync(postgres, folder.Path, ct);
        var manifest = await store.CreateAsync(source.ConnectionString, ct);

        // The files are intact but the recorded fingerprint no longer matches what they restore to.
        var customers = manifest.Fingerprint.Data.Find("customers")!;
        var tampered = customers with { Chunks = [.. customers.Chunks.Select((c, i) => i == 0 ? c with { Hash = c.Hash + 1 } : c)] };
        var data = new DataFingerprint([.. manifest.Fingerprint.Data.Tables.Select(t => t.Source == "customers" ? tampered : t)]);
        await ManifestFile.WriteAsync(Path.Combine(folder.Path, manifest.Id), manifest with { Fingerprint = manifest.Fingerprint with { Data = data } }, SecretValues.None, ct);

        var error = await Assert.ThrowsAsync<SluiceException>(() => store.VerifyAsync(manifest.Id, ct));
        Assert.Equal(ErrorCodes.FingerprintMismatch, error.Code);
        Assert.Contains("customers: 1 key range(s) differ", error.Message);
        Assert.False((await store.ListAsync(ct))[0].Verified);
    }

    [Fact]
    public async Task A_row_altered_in_the_source_after_the_snapshot_is_found_by_comparing_and_a_restore_brings_it_back()
    {
        var ct = TestContext.Current.CancellationToken;
        using var folder = new TempFolder("sluice-snap");
        await using var source = await FingerprintShop.CreateAsync(postgres, 400, analyze: true, ct);
        var store = await Stores.PgDumpAsync(postgres, folder.Path, ct);
        var manifest = await store.CreateAsync(source.ConnectionString, ct);
        await TestSql.ExecuteAsync(source.ConnectionString, "UPDATE customers SET email = 'changed@example.com' WHERE id = 123", ct);

        var report = await store.CompareAsync(manifest.Id, source.ConnectionString, ct);
        Assert.False(report.AreEqual);
        Assert.Contains("customers: 1 changed key(s): 123", report.Render());
        var now = await new PostgresFingerprints().TakeAsync(source.ConnectionString, ct, like: manifest.Fingerprint);
        Assert.Single(FingerprintComparison.Compare(manifest.Fingerprint, now).Tables.Single(t => t.Source == "customers").DifferingRanges);

        await store.RestoreAsync(manifest.Id, source.ConnectionString, ct);
        Assert.True((await store.CompareAsync(manifest.Id, source.ConnectionString, ct)).AreEqual);
    }

    [Fact]
    public async Task A_snapshot_taken_while_a_writer_inserts_continuously_verifies_exactly()
    {
        var ct = TestContext.Current.CancellationToken;
        using var folder = new TempFolder("sluice-snap");
        await using var source = await FingerprintShop.CreateAsync(postgres, 2000, analyze: true, ct);
        var store = await Stores.PgDumpAsync(postgres, folder.Path, ct);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var inserted = 0;
        var writer = Task.Run(async () =>
        {
            await using var connection = await source.OpenConnectionAsync(CancellationToken.None);
            for (var id = 1_000_000; !stop.IsCancellationRequested; id++)
            {
                await using var insert = new NpgsqlCommand(
                    $"INSERT INTO customers VALUES ({id}, 'W', 'W', 'W W', NULL, 1, 1, now()); UPDATE customers SET score = score + 1 WHERE id = {1 + id % 2000}", connection);
                await insert.ExecuteNonQueryAsync(CancellationToken.None);
                Interlocked.Increment(ref inserted);
            }
        }, CancellationToken.None);
        while (Volatile.Read(ref inserted) < 50) await Task.Delay(10, ct);

        var manifest = await store.CreateAsync(source.ConnectionString, ct);
        var atSnapshot = Volatile.Read(ref inserted);
        while (Volatile.Read(ref inserted) < atSnapshot + 50) await Task.Delay(10, ct);
        await stop.CancelAsync();
        await writer;

        await store.VerifyAsync(manifest.Id, ct);
        var rows = manifest.Fingerprint.Data.Find("customers")!.Rows;
        Assert.InRange(rows, 2000 + 50, 2000 + atSnapshot);
        await using var connection = await source.OpenConnectionAsync(ct);
        await using var count = new NpgsqlCommand("SELECT count(*) FROM customers", connection);
        Assert.True((long)(await count.ExecuteScalarAsync(ct))! > rows, "the writer went on after the snapshot");
    }

    [Fact]
    public async Task Prune_keeps_the_newest_and_the_newest_verified_snapshot()
    {
        var ct = TestContext.Current.CancellationToken;
        using var folder = new TempFolder("sluice-snap");
        await using var source = await FingerprintShop.CreateAsync(postgres, 50, analyze: false, ct);
        var store = await Stores.PgDumpAsync(postgres, folder.Path, ct);
        var oldest = await store.CreateAsync(source.ConnectionString, ct);
        await store.VerifyAsync(oldest.Id, ct);
        var middle = await store.CreateAsync(source.ConnectionString, ct);
        var newest = await store.CreateAsync(source.ConnectionString, ct);

        var deleted = await store.PruneAsync(keep: 1, ct);

        Assert.Equal([middle.Id], deleted);
        Assert.Equal([newest.Id, oldest.Id], (await store.ListAsync(ct)).Select(m => m.Id));
        Assert.False(Directory.Exists(Path.Combine(folder.Path, middle.Id)));
    }

    [Fact]
    public async Task The_manifest_round_trips_through_json()
    {
        var ct = TestContext.Current.CancellationToken;
        using var folder = new TempFolder("sluice-snap");
        await using var source = await FingerprintShop.CreateAsync(postgres, 100, analyze: true, ct);
        var manifest = await (await Stores.PgDumpAsync(postgres, folder.Path, ct)).CreateAsync(source.ConnectionString, ct);

        var read = await ManifestFile.ReadAsync(Path.Combine(folder.Path, manifest.Id), ct);

        Assert.Equal(manifest.Fingerprint.Schema.Hash, read.Fingerprint.Schema.Hash);
        Assert.True(FingerprintComparison.Compare(manifest.Fingerprint, read.Fingerprint).AreEqual);
        Assert.Equal(JsonSerializer.Serialize(manifest.Files), JsonSerializer.Serialize(read.Files));
    }
}
