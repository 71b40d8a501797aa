using Sluice.Errors;
using Sluice.Migrations.Journal;
using Sluice.Postgres.Migrations;
using Sluice.Postgres.Snapshots;
using Sluice.Postgres.Tests.Migrations;
using Sluice.Snapshots;
using Sluice.Testing.Postgres;

namespace Sluice.Postgres.Tests.Snapshots;

/// <summary>
/// Snapshot and restore under the environment's lease (issue 14): the lease's lock lives in the maintenance database,
/// so a template copy sees no connection to its source, a restore keeps the lease while its database is gone, and no
/// snapshot carries the lease row of whoever took it.
/// </summary>
public sealed class LeasedSnapshotTests(PostgresFixture postgres)
{
    private static readonly RunnerIdentity Holder = new("holder", "host-a", null);
    private static readonly RunnerIdentity Second = new("second", "host-b", null);

    private async Task<ISnapshotStore> StoreAsync(SnapshotFormat format, string folder, CancellationToken ct) => format == SnapshotFormat.Template
        ? new TemplateSnapshotStore(new TemplateSnapshotOptions { Folder = folder, Environment = "local", Server = postgres.AdminConnectionString })
        : await Stores.PgDumpAsync(postgres, folder, ct);

    [Theory]
    [InlineData(SnapshotFormat.Custom, Traits = [Needs.Trait, Needs.ClientPrograms])] // a template copy needs no client program
    [InlineData(SnapshotFormat.Template)]
    public async Task A_snapshot_taken_under_the_lease_carries_no_lease_row(SnapshotFormat format)
    {
        var ct = TestContext.Current.CancellationToken;
        using var folder = new TempFolder("sluice-leased-snap");
        await using var source = await ShopDatabase.CreateAsync(postgres, ct);
        await using var copy = await postgres.CreateEmptyDatabaseAsync(ct);
        var store = await StoreAsync(format, folder.Path, ct);
        await using var database = new PostgresMigrationDatabase(source.ConnectionString);
        await using var lease = await database.Providers.Leases.AcquireAsync("local", Holder, ct);
        database.DataSource.Clear(); // what the session does before a template copy: its idle connections go

        var manifest = await store.CreateAsync(source.ConnectionString, ct);
        await store.RestoreAsync(manifest.Id, copy.ConnectionString, ct);

        Assert.Equal(1L, await TestSql.ScalarAsync<long>(source.ConnectionString, "SELECT count(*) FROM sluice.leases", ct));
        Assert.Equal(0L, await TestSql.ScalarAsync<long>(copy.ConnectionString, "SELECT count(*) FROM sluice.leases", ct));
        Assert.True(await TestSql.ScalarAsync<long>(copy.ConnectionString, "SELECT count(*) FROM sluice.events", ct) > 0); // the rest of the journal is data
        Assert.False(lease.Lost.IsCancellationRequested);
    }

    [Theory]
    [InlineData(SnapshotFormat.Custom, Traits = [Needs.Trait, Needs.ClientPrograms])] // a template copy needs no client program
    [InlineData(SnapshotFormat.Template)]
    public async Task A_restore_keeps_the_lease_while_the_database_is_gone_and_a_second_runner_is_turned_away_naming_the_holder(SnapshotFormat format)
    {
        var ct = TestContext.Current.CancellationToken;
        using var folder = new TempFolder("sluice-leased-restore");
        await using var source = await ShopDatabase.CreateAsync(postgres, ct);
        var store = await StoreAsync(format, folder.Path, ct);
        await using var first = new PostgresMigrationDatabase(source.ConnectionString, new LeaseOptions(TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(50)));
        await using var second = new PostgresMigrationDatabase(source.ConnectionString);
        var held = await first.Providers.Leases.AcquireAsync("local", Holder, ct); // released below, by the test
        var lease = Assert.IsType<PostgresEnvironmentLease>(held);
        first.DataSource.Clear();
        // As the session takes one: a heartbeat every 50 ms would otherwise be connected when the template is copied.
        var manifest = await lease.WhileDatabaseIdleAsync(() => store.CreateAsync(source.ConnectionString, ct), ct);
        await TestSql.ExecuteAsync(source.ConnectionString, "DELETE FROM orders", ct);

        var before = await Assert.ThrowsAsync<SluiceException>(() => second.Providers.Leases.AcquireAsync("local", Second, ct));
        SluiceException? during = null;
        await lease.WhileDatabaseReplacedAsync(async () =>
        {
            await store.RestoreAsync(manifest.Id, source.ConnectionString, ct);
            // The database is back, its lease table empty (no snapshot carries the row): the lock alone holds.
            during = await Assert.ThrowsAsync<SluiceException>(() => second.Providers.Leases.AcquireAsync("local", Second, ct));
        }, ct);
        await Task.Delay(200, ct); // a few heartbeats on the restored database
        var after = await Assert.ThrowsAsync<SluiceException>(() => second.Providers.Leases.AcquireAsync("local", Second, ct));

        Assert.Equal(ErrorKind.Busy, before.Kind);
        Assert.Contains("held by holder@host-a since", before.Message);
        Assert.Equal(ErrorKind.Busy, during!.Kind);
        Assert.Equal(ErrorKind.Busy, after.Kind);
        Assert.Contains("held by holder@host-a since", after.Message);
        Assert.False(held.Lost.IsCancellationRequested);
        Assert.Equal(Holder, (await first.Providers.Leases.ReadHolderAsync("local", ct))!.Holder);
        Assert.True(await TestSql.ScalarAsync<long>(source.ConnectionString, "SELECT count(*) FROM orders", ct) > 0);

        await held.DisposeAsync();
        await using var free = await second.Providers.Leases.AcquireAsync("local", Second, ct);
        Assert.Equal(Second, free.Holder.Holder);
    }
}
