using Sluice.Errors;
using Sluice.Migrations.Journal;
using Sluice.Migrations.Plans;
using Sluice.Migrations.Running;

namespace Sluice.Drills.Scenarios;

/// <summary><c>killed-backfill</c> (and <c>killed-backfill-rollback</c>): the runner is stopped right after a backfill
/// batch committed, mid-backfill, as a killed CI job or a lost machine stops it; the recovery runs Migrate again, which
/// continues from the checkpoint (the expected state: the same plan run through uninterrupted on the reference copy),
/// or, in the rollback variant, rolls the plan back (the expected state: before the plan).</summary>
public sealed class KilledBackfillScenario(bool rollBack) : IDrillScenario
{
    public string Name => rollBack ? "killed-backfill-rollback" : "killed-backfill";

    public string Fault => "the runner dies mid-backfill (a killed CI job, a lost machine): the phase stays started at its last checkpoint";

    public string Recovery => rollBack
        ? "roll the plan back (Rollback): the applied phases' down scripts, latest first; the backfill's checkpoint is reset"
        : "run Migrate (or Promote) again: the backfill continues from its last committed checkpoint";

    public DrillNeeds Needs => DrillNeeds.BackfillPlan;

    public async Task<string?> PrepareAsync(DrillSetting setting, CancellationToken cancellationToken)
    {
        var (plan, _) = DrillPlans.Newest(setting.Plans, PhaseKind.Backfill, Name);
        var before = await DrillPlans.BeforePlanAsync(setting, plan, cancellationToken);
        if (rollBack) return before;
        await setting.Reference.MigrateAsync(plan.Id, null, null, cancellationToken);
        return (before is null ? "" : before + "; ") + $"{plan.Id} run through uninterrupted on the reference copy (the expected state)";
    }

    public async Task<string> InjectAsync(DrillSetting setting, CancellationToken cancellationToken)
    {
        var (plan, phase) = DrillPlans.Newest(setting.Plans, PhaseKind.Backfill, Name);
        using var kill = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var killer = new KillAfterFirstBatch(kill, phase.Name);
        try
        {
            await setting.Working.MigrateAsync(plan.Id, null, killer, kill.Token);
        }
        catch (OperationCanceledException) when (kill.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // The kill: what it had committed stays.
        }
        await DrillPlans.EnsureFaultLandedAsync(setting.Working, plan, phase, JournalStatus.Started, killer.At is not null, Name,
            "before the kill landed", "give the backfill more than one batch of rows (initial_batch_size below the table's rows)", cancellationToken);
        return $"runner stopped after batch {killer.At!.Batches} of {plan.Id}/{phase.Name} ({killer.At.RowsDone:N0} of {killer.At.RowsTotal:N0} rows), the phase left started";
    }

    public async Task<string> RecoverAsync(DrillSetting setting, CancellationToken cancellationToken)
    {
        var (plan, _) = DrillPlans.Newest(setting.Plans, PhaseKind.Backfill, Name);
        var result = rollBack
            ? await setting.Working.RollbackAsync(plan.Id, cancellationToken)
            : await setting.Working.MigrateAsync(plan.Id, null, null, cancellationToken);
        return $"{(rollBack ? "Rollback" : "Migrate again")}: {result.Summary}";
    }

    /// <summary>Stops the run the moment the first batch of the backfill has committed, without waiting for the next.</summary>
    private sealed class KillAfterFirstBatch(CancellationTokenSource kill, string phase) : IProgress<MigrationProgress>
    {
        public Migrations.Backfill.BackfillProgress? At { get; private set; }

        public void Report(MigrationProgress value)
        {
            if (value is not { Step: MigrationStep.Backfill, Backfill: { } backfill } || value.Phase != phase || At is not null) return;
            At = backfill;
            kill.Cancel();
        }
    }
}
