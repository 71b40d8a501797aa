using Sluice.Errors;
using Sluice.Migrations.Journal;
using Sluice.Postgres.Releases;
using Sluice.Postgres.Tests.Migrations;
using Sluice.Releases;
using Sluice.Testing.Postgres;

namespace Sluice.Postgres.Tests.Releases;

/// <summary>A phase of the sample plan made to raise, at each index in turn: Promote rolls back what it did, the
/// service's schema and data equal the state before it ran, and the journal records the failure and the rollback.</summary>
public sealed class FailureInjectionTests(PostgresFixture postgres)
{
    private const string PlanId = "0001_split_customer_name";

    public static TheoryData<int, string, string> Phases => new()
    {
        // The failing statement goes after the phase's work, so a non-transactional phase has really changed something.
        { 0, "01_add_split_columns.up.sql", "\nSELECT 1 / 0;\n" },
        { 1, "02_backfill.batch.sql", "" },
        { 2, "03_index_last_name.up.sql", "\nSELECT 1 / 0;\n" },
        { 3, "04_read_split_name.up.sql", "\nSELECT 1 / 0;\n" },
        { 4, "05_drop_full_name.up.sql", "\nSELECT 1 / 0;\n" },
    };

    [Theory]
    [MemberData(nameof(Phases))]
    public async Task A_failing_phase_is_rolled_back_to_the_state_before_the_promote(int index, string file, string append)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await ShopDatabase.CreateAsync(postgres, ct);
        using var plans = PlanCopy.Sample();
        var path = Path.Combine(plans.SampleFolder, file);
        // A backfill batch is one statement with parameters: make it raise on its first row instead.
        File.WriteAllText(path, index == 1
            ? File.ReadAllText(path).Replace("SET first_name = shop_first_name(full_name),", "SET first_name = shop_first_name(full_name) || (1 / 0)::text,", StringComparison.Ordinal)
            : File.ReadAllText(path) + append);
        var before = await ReleaseFixtures.StateAsync(database.ConnectionString, ct);
        await using var release = new PostgresReleaseDatabase(database.ConnectionString);

        var error = await Assert.ThrowsAsync<SluiceException>(() => release.Service().PromoteAsync(ReleaseFixtures.Promote(release, plans), null, ct));

        Assert.Equal(("SLU074", ErrorKind.Failure), (error.Code, error.Kind));
        Assert.Contains("division by zero", error.Message);
        Assert.Contains($"rolled back automatically: {PlanId} ({index + 1} phase(s))", error.Message);
        Assert.Equal(before, await ReleaseFixtures.StateAsync(database.ConnectionString, ct));
        Assert.False(await TestSql.ScalarAsync<bool>(database.ConnectionString,
            "SELECT coalesce((SELECT enabled FROM sluice.feature_flags WHERE name = 'customers.read_split_name'), false)", ct));
        var rollback = Assert.Single(await release.Journal.ReadRollbacksAsync(10, ct));
        Assert.Equal((PlanId, RollbackTrigger.Automatic, RollbackOutcome.Succeeded, index + 1),
            (rollback.PlanId, rollback.Trigger, rollback.Outcome, rollback.PhasesReverted));
        var events = await release.Migrations.Providers.Journal.ReadEventsAsync(PlanId, ct);
        Assert.Contains(events, e => e.Kind == JournalEventKind.PhaseFailed && e.Phase == PhaseName(index));
        Assert.Single(events, e => e.Kind == JournalEventKind.PlanReverted);
        Assert.Equal(JournalStatus.Reverted, (await release.Migrations.Providers.Journal.FindPlanAsync(PlanId, ct))!.Status);
    }

    private static string PhaseName(int index) => new[] { "add_split_columns", "backfill_split_name", "index_last_name", "read_split_name", "drop_full_name" }[index];
}
