using Sluice.Environments;
using Sluice.Gates;
using Sluice.Postgres.Releases;
using Sluice.Postgres.Tests.Snapshots;
using Sluice.Postgres.Tests.Migrations;
using Sluice.Releases;
using Sluice.Snapshots;
using Sluice.Testing.Postgres;

namespace Sluice.Postgres.Tests.Releases;

/// <summary>Promote to a protected environment: approvals and rehearsal evidence in place, it takes and verifies a
/// snapshot (the only gate that failed), asks the gates again and migrates; the time budget stops it with a checkpoint.</summary>
public sealed class PromoteSnapshotTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly EnvironmentSpec Production = new() { Provider = EnvironmentProviderKind.Connection, ConnectionStringVariable = "PRODUCTION_DB", Order = 2, Protected = true };

    [Fact]
    [Trait(Needs.Trait, Needs.ClientPrograms)]
    public async Task A_protected_promote_takes_a_verified_snapshot_when_that_is_all_that_blocks_it()
    {
        await using var database = await ShopDatabase.CreateAsync(postgres, Ct);
        using var plans = PlanCopy.Sample();
        using var folder = new TempFolder("sluice-snap");
        var store = await Stores.PgDumpAsync(postgres, folder.Path, Ct);
        await using var release = new PostgresReleaseDatabase(database.ConnectionString);
        await release.Service().ApproveAsync(ReleaseFixtures.Request(plans, "production"), "grace", GateTests.Grace, [], Ct);
        var sources = release.Sources(new PostgresPromotionHistory((_, _) => Task.FromResult<string?>(null)),
            new SnapshotCatalogSource(new SnapshotCatalog(folder.Path)), new FixedEvidence(rehearsed: DateTimeOffset.UtcNow));
        var request = new PromoteRequest(ReleaseFixtures.Request(plans, "production"), Production, [], sources,
            Snapshot: new StoreReleaseSnapshot(store, database.ConnectionString));
        var taken = new List<string>();

        var result = await release.Service().PromoteAsync(request, null, null, taken.Add, Ct);

        Assert.Equal(PromoteOutcome.Completed, result.Outcome);
        Assert.Contains("taken and verified", Assert.Single(taken));
        var manifest = Assert.Single(await new SnapshotCatalog(folder.Path).ListAsync(Ct));
        Assert.True(manifest.Verified);
        Assert.All(result.Gates!.Results, r => Assert.Equal(GateVerdict.Pass, r.Verdict));
        // The first evaluation failed on the snapshot alone; both are in the journal.
        var decisions = await release.Journal.ReadGateDecisionsAsync(50, Ct);
        Assert.Equal([GateVerdict.Fail, GateVerdict.Pass], decisions.Where(d => d.Gate == "snapshot").Select(d => d.Verdict));
        // Only the snapshot gate is asked again: every other gate has the one verdict the release went on.
        Assert.All(decisions.Where(d => d.Gate != "snapshot").GroupBy(d => d.Gate), g => Assert.Single(g));
    }

    [Fact]
    public async Task No_snapshot_is_taken_while_another_gate_blocks()
    {
        await using var database = await ShopDatabase.CreateAsync(postgres, Ct);
        using var plans = PlanCopy.Sample();
        using var folder = new TempFolder("sluice-snap");
        var store = await Stores.PgDumpAsync(postgres, folder.Path, Ct);
        await using var release = new PostgresReleaseDatabase(database.ConnectionString);
        var request = ReleaseFixtures.Promote(release, plans, Production, "production") with { Snapshot = new StoreReleaseSnapshot(store, database.ConnectionString) };

        var blocked = await Assert.ThrowsAsync<GatesBlockedException>(() => release.Service().PromoteAsync(request, null, Ct));

        Assert.Contains(blocked.Report.Results, r => r.Gate == "approvals" && r.Verdict == GateVerdict.Fail);
        Assert.Empty(await new SnapshotCatalog(folder.Path).ListAsync(Ct));
    }

    [Fact]
    public async Task A_spent_time_budget_ends_the_promote_incomplete_without_rolling_back()
    {
        await using var database = await ShopDatabase.CreateAsync(postgres, Ct);
        using var plans = PlanCopy.Sample();
        await using var release = new PostgresReleaseDatabase(database.ConnectionString);
        var request = ReleaseFixtures.Promote(release, plans);
        request = request with { Migration = request.Migration with { TimeBudget = TimeSpan.Zero } };

        var result = await release.Service().PromoteAsync(request, null, Ct);

        Assert.Equal(PromoteOutcome.Incomplete, result.Outcome);
        Assert.Empty(await release.Journal.ReadRollbacksAsync(10, Ct));
        var again = await release.Service().PromoteAsync(ReleaseFixtures.Promote(release, plans), null, Ct);
        Assert.Equal(PromoteOutcome.Completed, again.Outcome);
    }
}
