using Sluice.Errors;
using Sluice.Gates;
using Sluice.Postgres.Releases;
using Sluice.Postgres.Tests.Migrations;
using Sluice.Postgres.Tests.Snapshots;
using Sluice.Releases;
using Sluice.Testing.Postgres;

namespace Sluice.Postgres.Tests.Releases;

/// <summary>An irreversible phase needs a verified snapshot, even on the local environment; once applied, Rollback
/// changes nothing and is recorded as needing a snapshot restore; a Promote failing after it reports that its automatic
/// rollback could not run.</summary>
public sealed class IrreversibleRollbackTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_irreversible_phase_blocks_a_local_promote_that_has_no_verified_snapshot()
    {
        await using var database = await ShopDatabase.CreateAsync(postgres, Ct);
        using var plans = PlanCopy.Purge(failAfterPurge: false);
        await using var release = new PostgresReleaseDatabase(database.ConnectionString);
        var state = await ReleaseFixtures.StateAsync(database.ConnectionString, Ct);

        var blocked = await Assert.ThrowsAsync<GatesBlockedException>(() => release.Service().PromoteAsync(ReleaseFixtures.Promote(release, plans), null, Ct));

        var snapshot = Assert.Single(blocked.Report.Results, r => r.Gate == "snapshot");
        Assert.Equal(GateVerdict.Fail, snapshot.Verdict);
        Assert.Contains("irreversible phase(s) 0009_purge/purge_cancelled have no way back but a snapshot; no verified snapshot exists", snapshot.Evidence);
        Assert.Equal(state, await ReleaseFixtures.StateAsync(database.ConnectionString, Ct));
    }

    [Fact]
    [Trait(Needs.Trait, Needs.ClientPrograms)]
    public async Task Rollback_of_an_applied_irreversible_phase_is_recorded_as_needing_a_snapshot_restore()
    {
        await using var database = await ShopDatabase.CreateAsync(postgres, Ct);
        using var plans = PlanCopy.Purge(failAfterPurge: false);
        using var folder = new TempFolder("sluice-snap");
        var store = await Stores.PgDumpAsync(postgres, folder.Path, Ct);
        await using var release = new PostgresReleaseDatabase(database.ConnectionString);
        var taken = new List<string>();
        await release.Service().PromoteAsync(ReleaseFixtures.PromoteWithSnapshots(release, plans, store, folder.Path, database.ConnectionString), null,
            null, taken.Add, Ct);
        Assert.Contains("taken and verified", Assert.Single(taken));
        var state = await ReleaseFixtures.StateAsync(database.ConnectionString, Ct);

        var error = await Assert.ThrowsAsync<SluiceException>(() =>
            release.Service().RollbackAsync(ReleaseFixtures.Request(plans), RollbackTrigger.Manual, null, Ct));

        Assert.Equal("SLU047", error.Code);
        Assert.Equal(state, await ReleaseFixtures.StateAsync(database.ConnectionString, Ct));
        var record = Assert.Single(await release.Journal.ReadRollbacksAsync(10, Ct));
        Assert.Equal((RollbackOutcome.NeedsSnapshotRestore, 0), (record.Outcome, record.PhasesReverted));
        var status = await ReleaseStatusReport.ReadAsync(release.Journal, 10, Ct);
        Assert.Equal("0 of 1 succeeded", status.SuccessRate);
    }

    [Fact]
    [Trait(Needs.Trait, Needs.ClientPrograms)]
    public async Task A_promote_failing_after_an_irreversible_phase_reports_both_failures()
    {
        await using var database = await ShopDatabase.CreateAsync(postgres, Ct);
        using var plans = PlanCopy.Purge(failAfterPurge: true);
        using var folder = new TempFolder("sluice-snap");
        var store = await Stores.PgDumpAsync(postgres, folder.Path, Ct);
        await using var release = new PostgresReleaseDatabase(database.ConnectionString);

        var error = await Assert.ThrowsAsync<SluiceException>(() => release.Service().PromoteAsync(
            ReleaseFixtures.PromoteWithSnapshots(release, plans, store, folder.Path, database.ConnectionString), null, Ct));

        Assert.Equal(("SLU075", ErrorKind.Failure), (error.Code, error.Kind));
        Assert.Contains("division by zero", error.Message);
        Assert.Contains("the automatic rollback failed too", error.Message);
        Assert.Contains("snapshot", error.Remedy);
        Assert.Equal(RollbackTrigger.Automatic, Assert.Single(await release.Journal.ReadRollbacksAsync(10, Ct)).Trigger);
    }
}
