using Sluice.Errors;
using Sluice.Migrations.Journal;
using Sluice.Migrations.Plans;
using Sluice.Migrations.Running;

namespace Sluice.Drills.Scenarios;

/// <summary><c>failed-contract</c>: the contract phase fails (here an event trigger rejects its DDL, as a dependent
/// object or a missing privilege would); the recovery rolls the plan back. The expected state is the copy before the
/// plan. The event trigger is removed once it has fired, so the rollback meets the database as an incident would
/// after the cause is gone.</summary>
public sealed class FailedContractScenario : IDrillScenario
{
    private const string Trigger = "sluice_drill_fault";

    public string Name => "failed-contract";

    public string Fault => "the contract phase fails part way (a dependent object, a privilege, a lock that never frees)";

    public string Recovery => "roll the plan back (Rollback, or Promote's automatic rollback): the applied phases' down scripts, latest first, then fingerprints compared";

    public DrillNeeds Needs => DrillNeeds.ContractPlan;

    public async Task<string?> PrepareAsync(DrillSetting setting, CancellationToken cancellationToken)
    {
        var (plan, _) = DrillPlans.Newest(setting.Plans, PhaseKind.Contract, Name);
        return await DrillPlans.BeforePlanAsync(setting, plan, cancellationToken);
    }

    public async Task<string> InjectAsync(DrillSetting setting, CancellationToken cancellationToken)
    {
        var (plan, phase) = DrillPlans.Newest(setting.Plans, PhaseKind.Contract, Name);
        string? failure = null;
        try
        {
            await setting.Working.MigrateAsync(plan.Id, new ArmBefore(setting.Working, phase.Name), null, cancellationToken);
        }
        catch (SluiceException e) when (e.Kind == ErrorKind.Failure)
        {
            failure = e.Message;
        }
        finally
        {
            await setting.Working.ExecuteAsync($"DROP EVENT TRIGGER IF EXISTS {Trigger}; DROP SCHEMA IF EXISTS {Trigger} CASCADE", CancellationToken.None);
        }
        await DrillPlans.EnsureFaultLandedAsync(setting.Working, plan, phase, JournalStatus.Failed, failure is not null, Name,
            "although its DDL was to be rejected", "the drill rejects DDL with an event trigger: the contract's up script must change the schema", cancellationToken);
        return $"{plan.Id}/{phase.Name} failed with the earlier phases applied: {failure}";
    }

    public async Task<string> RecoverAsync(DrillSetting setting, CancellationToken cancellationToken)
    {
        var (plan, _) = DrillPlans.Newest(setting.Plans, PhaseKind.Contract, Name);
        var result = await setting.Working.RollbackAsync(plan.Id, cancellationToken);
        return $"Rollback: {result.Summary}";
    }

    /// <summary>Arms the fault just before the contract runs: every DDL statement from then on is rejected.</summary>
    private sealed class ArmBefore(IDrillCopy copy, string phase) : IPhaseBarrier
    {
        public async Task BeforeAsync(MigrationPlan plan, MigrationPhase? next, CancellationToken cancellationToken)
        {
            if (next?.Name != phase) return;
            await copy.ExecuteAsync($"""
                CREATE SCHEMA {Trigger};
                CREATE FUNCTION {Trigger}.reject() RETURNS event_trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION 'drill: % rejected (injected failure of the contract phase)', tg_tag; END $$;
                CREATE EVENT TRIGGER {Trigger} ON ddl_command_start EXECUTE FUNCTION {Trigger}.reject();
                """, cancellationToken);
        }

        public Task RolledBackAsync(bool succeeded, string detail, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
