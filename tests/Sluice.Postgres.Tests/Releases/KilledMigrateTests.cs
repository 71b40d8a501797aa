using System.Diagnostics;
using Sluice.Errors;
using Sluice.Migrations.Journal;
using Sluice.Postgres.Migrations;
using Sluice.Postgres.Releases;
using Sluice.Postgres.Tests.Migrations;
using Sluice.Releases;
using Sluice.Testing.Postgres;

namespace Sluice.Postgres.Tests.Releases;

/// <summary>A Migrate process SIGKILLed mid-backfill: Status shows the partial plan; Promote continues it, or Rollback
/// reverts it to the state before the run.</summary>
public sealed class KilledMigrateTests(PostgresFixture postgres)
{
    private const string PlanId = "0001_split_customer_name";
    private const int ExtraCustomers = 5_000;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static PlanCopy SmallBatches() => PlanCopy.Sample(("initial_batch_size: 1000", "initial_batch_size: 100"),
        ("max_batch_size: 20000", "max_batch_size: 100"));

    [Fact]
    public async Task Status_shows_the_partial_plan_and_Rollback_reverts_it_to_the_state_before_the_run()
    {
        await using var database = await ShopDatabase.CreateAsync(postgres, Ct, ExtraCustomers);
        using var plans = SmallBatches();
        var before = await ReleaseFixtures.StateAsync(database.ConnectionString, Ct);
        await KillDuringBackfillAsync(database.ConnectionString, plans.Pipelines);
        await using var release = new PostgresReleaseDatabase(database.ConnectionString, new LeaseOptions(TimeSpan.FromSeconds(1)));

        var status = await release.Migrations.Service().StatusAsync(ReleaseFixtures.Request(plans), Ct);
        var plan = Assert.Single(status.Plans);
        Assert.Equal(JournalStatus.Started, plan.Status);
        Assert.Contains("backfill_split_name [backfill] started", status.Render());

        var rollback = await UntilLeaseFreeAsync(() => release.Service().RollbackAsync(ReleaseFixtures.Request(plans), RollbackTrigger.Manual, null, Ct));

        Assert.Equal((PlanId, RollbackOutcome.Succeeded, 2), (rollback.Record.PlanId, rollback.Record.Outcome, rollback.Record.PhasesReverted));
        Assert.Equal(before, await ReleaseFixtures.StateAsync(database.ConnectionString, Ct));
        Assert.Equal(RollbackTrigger.Manual, Assert.Single(await release.Journal.ReadRollbacksAsync(10, Ct)).Trigger);
        Assert.Equal(JournalStatus.Reverted, (await release.Migrations.Providers.Journal.FindPlanAsync(PlanId, Ct))!.Status);
    }

    [Fact]
    public async Task Promote_after_the_kill_continues_from_the_checkpoint_to_the_end()
    {
        await using var database = await ShopDatabase.CreateAsync(postgres, Ct, ExtraCustomers);
        using var plans = SmallBatches();
        await KillDuringBackfillAsync(database.ConnectionString, plans.Pipelines);
        await using var release = new PostgresReleaseDatabase(database.ConnectionString, new LeaseOptions(TimeSpan.FromSeconds(1)));
        var rowsBefore = (await release.Migrations.Providers.Backfills.ReadCheckpointAsync(PlanId, "backfill_split_name", Ct))!.RowsDone;
        Assert.InRange(rowsBefore, 1, 2000 + ExtraCustomers - 1);

        var result = await UntilLeaseFreeAsync(() => release.Service().PromoteAsync(ReleaseFixtures.Promote(release, plans), null, Ct));

        Assert.Equal(PromoteOutcome.Completed, result.Outcome);
        Assert.Equal("1 partial plan(s) within max_partial_state", result.Gates!.Results.Single(r => r.Gate == "partial_state").Evidence);
        var checkpoint = (await release.Migrations.Providers.Backfills.ReadCheckpointAsync(PlanId, "backfill_split_name", Ct))!;
        Assert.Equal((2000L + ExtraCustomers, true), (checkpoint.RowsDone, checkpoint.Completed));
        Assert.Equal(0L, await TestSql.ScalarAsync<long>(database.ConnectionString, "SELECT count(*) FROM customers WHERE first_name IS NULL", Ct));
        Assert.Equal(JournalStatus.Done, (await release.Migrations.Providers.Journal.FindPlanAsync(PlanId, Ct))!.Status);
    }

    /// <summary>The killed runner's lease row outlives it until its time to live passes; until then the environment is busy.</summary>
    private static async Task<T> UntilLeaseFreeAsync<T>(Func<Task<T>> work)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await work();
            }
            catch (SluiceException e) when (e.Kind == ErrorKind.Busy && attempt < 100)
            {
                await Task.Delay(200, Ct);
            }
        }
    }

    /// <summary>Runs Migrate in a child process and SIGKILLs it after its third backfill batch.</summary>
    private static async Task KillDuringBackfillAsync(string connectionString, string pipelines)
    {
        var host = Path.Combine(AppContext.BaseDirectory, "Sluice.Migrations.CrashHost.dll");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet",
            [host, "--connection", connectionString, "--pipelines", pipelines, "--env", "local", "--lease-ttl", "1s"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the crash host");
        var stderr = process.StandardError.ReadToEndAsync(Ct);
        var batches = 0;
        var killed = false;
        while (await process.StandardOutput.ReadLineAsync(Ct) is { } line)
        {
            if (!line.StartsWith("Backfill ", StringComparison.Ordinal) || ++batches < 3) continue;
            process.Kill(); // SIGKILL: no finally blocks, no lease release
            killed = true;
            break;
        }
        await process.WaitForExitAsync(Ct);
        Assert.True(killed, $"the host ended before its third batch (exit {process.ExitCode}): {await stderr}");
    }
}
