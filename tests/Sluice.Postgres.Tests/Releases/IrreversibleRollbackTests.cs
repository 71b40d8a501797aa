using Sluice.Errors;
using Sluice.Postgres.Releases;
using Sluice.Postgres.Tests.Migrations;
using Sluice.Releases;
using Sluice.Testing.Postgres;

namespace Sluice.Postgres.Tests.Releases;

/// <summary>An applied irreversible phase: Rollback changes nothing and is recorded as needing a snapshot restore; a
/// Promote failing after it reports that its automatic rollback could not run.</summary>
public sealed class IrreversibleRollbackTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Rollback_of_an_applied_irreversible_phase_is_recorded_as_needing_a_snapshot_restore()
    {
        await using var database = await ShopDatabase.CreateAsync(postgres, Ct);
        using var plans = PlanCopy.Purge(failAfterPurge: false);
        await using var release = new PostgresReleaseDatabase(database.ConnectionString);
        await release.Service().PromoteAsync(ReleaseFixtures.Promote(release, plans), null, Ct);
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
    public async Task A_promote_failing_after_an_irreversible_phase_reports_both_failures()
    {
        await using var database = await ShopDatabase.CreateAsync(postgres, Ct);
        using var plans = PlanCopy.Purge(failAfterPurge: true);
        await using var release = new PostgresReleaseDatabase(database.ConnectionString);

        var error = await Assert.ThrowsAsync<SluiceException>(() => release.Service().PromoteAsync(ReleaseFixtures.Promote(release, plans), null, Ct));

        Assert.Equal(("SLU075", ErrorKind.Failure), (error.Code, error.Kind));
        Assert.Contains("division by zero", error.Message);
        Assert.Contains("the automatic rollback failed too", error.Message);
        Assert.Contains("snapshot", error.Remedy);
        Assert.Equal(RollbackTrigger.Automatic, Assert.Single(await release.Journal.ReadRollbacksAsync(10, Ct)).Trigger);
    }
}
