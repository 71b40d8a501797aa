using Npgsql;
using Sluice.Errors;
using Sluice.Fingerprints;
using Sluice.Postgres.Snapshots;
using Sluice.Postgres.Tests.Fingerprints;
using Sluice.Testing.Postgres;

namespace Sluice.Postgres.Tests.Snapshots;

public sealed class TemplateSnapshotTests(PostgresFixture postgres)
{
    private TemplateSnapshotStore Store(string folder, RecordingListener? listener = null, bool terminate = false) =>
        new(new TemplateSnapshotOptions { Folder = folder, Environment = "local", Server = postgres.AdminConnectionString, TerminateSessions = terminate }, listener);

    [Fact]
    public async Task A_template_snapshot_verifies_restores_and_is_dropped_when_pruned()
    {
        var ct = TestContext.Current.CancellationToken;
        using var folder = new TempFolder("sluice-snap");
        await using var source = await FingerprintShop.CreateAsync(postgres, 300, analyze: true, ct);
        var listener = new RecordingListener();
        var store = Store(folder.Path, listener);

        var manifest = await store.CreateAsync(source.ConnectionString, ct);
        await store.VerifyAsync(manifest.Id, ct);
        Assert.Single(listener.Heard);

        await TestSql.ExecuteAsync(source.ConnectionString, "DELETE FROM order_lines WHERE order_id = 9; ALTER TABLE customers ADD COLUMN extra int", ct);
        var before = await store.CompareAsync(manifest.Id, source.ConnectionString, ct);
        Assert.Contains("column customers.extra: added", before.Render());
        Assert.Equal(3, before.Tables.Single(t => t.Source == "order_lines").Extra + before.Tables.Single(t => t.Source == "order_lines").Missing);

        await store.RestoreAsync(manifest.Id, source.ConnectionString, ct);
        Assert.True((await store.CompareAsync(manifest.Id, source.ConnectionString, ct)).AreEqual);

        var newer = await store.CreateAsync(source.ConnectionString, ct);
        Assert.Empty(await store.PruneAsync(keep: 1, ct)); // the older one is the newest verified
        await store.VerifyAsync(newer.Id, ct);
        Assert.Equal([manifest.Id], await store.PruneAsync(keep: 1, ct));
        Assert.False(await TestSql.DatabaseExistsAsync(postgres.AdminConnectionString, manifest.Database!, ct));
    }

    [Fact]
    public async Task A_source_with_open_sessions_is_refused_unless_sessions_may_be_ended()
    {
        var ct = TestContext.Current.CancellationToken;
        using var folder = new TempFolder("sluice-snap");
        await using var source = await FingerprintShop.CreateAsync(postgres, 10, analyze: false, ct);
        await using var open = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(source.ConnectionString) { Pooling = false }.ConnectionString);
        await open.OpenAsync(ct);

        var error = await Assert.ThrowsAsync<SluiceException>(() => Store(folder.Path).CreateAsync(source.ConnectionString, ct));
        Assert.Equal(ErrorCodes.DumpFailed, error.Code);
        Assert.Contains("sessions are connected", error.Message);
        Assert.Empty(await Store(folder.Path).ListAsync(ct));

        var manifest = await Store(folder.Path, terminate: true).CreateAsync(source.ConnectionString, ct);
        await Store(folder.Path).VerifyAsync(manifest.Id, ct);
        await Store(folder.Path).PruneAsync(0, ct);
    }
}
