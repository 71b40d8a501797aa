using Sluice.Errors;
using Sluice.Build;
using Sluice.Migrations.Running;

namespace Sluice.Targets;

/// <summary>
/// <c>Migrate</c> runs the pending phases of every plan (or of <c>--migration ID</c>) on <c>--env</c>, holding the
/// environment's lease in its database. With <c>--time-budget</c> a long backfill checkpoints and the run ends with
/// exit code 4; running it again continues where it stopped. With <c>--continue-only</c> it only continues a plan the
/// journal shows in progress (see <see cref="ContinueOnlyScope"/>).
/// </summary>
public interface IMigrate : ISluiceComponent
{
    [Parameter("Migrate: one plan id; without it every pending plan in order")]
    string? Migration => this.Parameter<string>();

    [Parameter("Migrate: long work checkpoints and stops after this (e.g. 50m); run again to continue (exit 4)")]
    TimeSpan? TimeBudget => this.Parameter<TimeSpan?>();

    [Parameter("Migrate/Promote: only continue a plan the journal shows in progress; otherwise do nothing (scheduled CI runs pass it)")]
    bool ContinueOnly => this.Parameter<bool>();

    Target Migrate => _ => _
        .Description("Runs the pending migration phases on the environment (--migration ID, --time-budget SPAN)")
        .Environment()
        .Resumable()
        .Validates(CheckPlansAsync)
        .Executes(async ct =>
        {
            if (await ContinueOnlyScope.NarrowAsync(this, Session.Journal, Session.Migration(Migration, TimeBudget), ct) is not { } scoped) return;
            var result = await Session.Migrations.MigrateAsync(scoped, new MigrationProgressToHost(Host), ct);
            Host.Info(result.Summary);
            result.ThrowIfIncomplete();
        });

    /// <summary>The run's plans are read and checked before anything else runs, so a bad plan (or an unknown
    /// <c>--migration</c>) touches no database (exit 2); the same objects are then gated and run.</summary>
    Task CheckPlansAsync(CancellationToken cancellationToken)
    {
        if (Services is null) _ = Plans.Select(Migration);
        else if (Migration is not null)
            throw SluiceException.Usage(ErrorCodes.BadServices, "--migration selects one plan of one service, and --services releases every pending plan of several",
                "drop --migration to run the train, or use --service NAME --migration ID");
        else _ = TrainPlans;
        return Task.CompletedTask;
    }
}

/// <summary>Shows a run's progress on the build host: backfills as progress bars, retries and throttling as warnings.</summary>
public sealed class MigrationProgressToHost(IBuildHost host) : IProgress<MigrationProgress>
{
    public void Report(MigrationProgress value)
    {
        switch (value.Step)
        {
            case MigrationStep.Backfill when value.Backfill is { } b:
                host.Report(new ProgressReport($"backfill {value.PlanId}/{value.Phase}", b.RowsDone, b.RowsTotal, "rows", b.RowsPerSecond, b.Eta));
                break;
            case MigrationStep.Retry or MigrationStep.Throttled or MigrationStep.BudgetExhausted or MigrationStep.SloNotEnforced:
                host.Warning(value.ToString());
                break;
            default:
                host.Info(value.ToString());
                break;
        }
    }
}
