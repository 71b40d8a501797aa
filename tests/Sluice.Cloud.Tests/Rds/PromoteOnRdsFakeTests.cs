using Sluice.Errors;
using Sluice.Gates;
using Sluice.Snapshots;
using Sluice.Snapshots.Cloud;
using Sluice.Testing.Postgres;

namespace Sluice.Cloud.Tests.Rds;

/// <summary>A Promote on an <c>rds</c> environment, through the session a build opens: the snapshot it takes is RDS's
/// (no pg_dump), and its snapshot gate passes only once that snapshot was verified on a copy.</summary>
public sealed class PromoteOnRdsFakeTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Fake_rds_promote_takes_a_provider_snapshot_and_its_snapshot_gate_passes_after_verification()
    {
        await using var leased = await LeasedRdsSession.StartAsync(postgres, rehearseOnCopy: false, Ct);
        var (env, session) = (leased.Env, leased.Session);
        var taken = new List<string>();
        GateReport? gates = null;

        var result = await session.Releases.PromoteAsync(session.Release(session.Migration()), null, g => gates = g, taken.Add, Ct);

        Assert.Equal(Sluice.Releases.PromoteOutcome.Completed, result.Outcome);
        Assert.Contains("taken and verified", Assert.Single(taken));
        var snapshot = Assert.Single(gates!.Results, r => r.Gate == "snapshot");
        Assert.Equal(GateVerdict.Pass, snapshot.Verdict);
        var manifest = Assert.Single(await session.Snapshots.Catalog.ListAsync(Ct));
        Assert.Equal(SnapshotFormat.Provider, manifest.Format);
        Assert.NotNull(manifest.VerifiedAt);
        // The data is RDS's: the folder holds the manifest only, no dump.
        Assert.Equal([SnapshotManifest.FileName], Directory.GetFiles(session.Snapshots.Catalog.PathOf(manifest.Id)).Select(Path.GetFileName));
        Assert.Equal("0001_add_note", env.Fake.TagsOf(manifest.ProviderSnapshot!)[CloudTags.Plan]);
        Assert.Equal(["CreateDBSnapshot", "RestoreDBInstanceFromDBSnapshot", "DeleteDBInstance"],
            env.Fake.Calls.Where(c => c is "CreateDBSnapshot" or "RestoreDBInstanceFromDBSnapshot" or "DeleteDBInstance"));
        Assert.Empty(env.Fake.Copies);
    }

    [Fact]
    public async Task Fake_rds_promote_whose_snapshot_fails_verification_changes_nothing()
    {
        await using var leased = await LeasedRdsSession.StartAsync(postgres, rehearseOnCopy: false, Ct);
        var (env, session) = (leased.Env, leased.Session);
        env.Fake.CorruptRestore = "DELETE FROM orders WHERE id = 42";

        var failure = await Assert.ThrowsAsync<SluiceException>(() => session.Releases.PromoteAsync(session.Release(session.Migration()), null, Ct));

        Assert.Equal(ErrorCodes.FingerprintMismatch, failure.Code);
        Assert.Null(Assert.Single(await session.Snapshots.Catalog.ListAsync(Ct)).VerifiedAt);
        await using var connection = new Npgsql.NpgsqlConnection(env.Database.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var column = new Npgsql.NpgsqlCommand("SELECT count(*) FROM information_schema.columns WHERE table_name = 'orders' AND column_name = 'note'", connection);
        Assert.Equal(0L, await column.ExecuteScalarAsync(Ct));
        Assert.Empty(env.Fake.Copies);
    }
}
