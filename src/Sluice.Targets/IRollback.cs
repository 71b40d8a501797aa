using Sluice.Build;
using Sluice.Releases;

namespace Sluice.Targets;

/// <summary>
/// <c>Rollback</c> reverts the last partial or failed transition on <c>--env</c> (or the plan <c>--migration ID</c>):
/// the applied phases' <c>down</c> scripts, latest first, under the environment's lease. An applied irreversible phase
/// stops it before anything changes (restore a snapshot instead). Afterwards the schema is compared with its
/// fingerprint from before the plan (SLU048 when it differs) and the touched tables' data with its fingerprint from
/// before the first destructive phase (SLU105 when a column's values are gone); what cannot be verified is said, with
/// why. Every rollback is recorded in <c>sluice.rollbacks</c> with its outcome.
/// </summary>
public interface IRollback : IMigrate
{
    Target Rollback => _ => _
        .Description("Reverts the last partial or failed migration transition on the environment (--migration ID for one plan)")
        .Environment()
        .Validates(CheckPlansAsync)
        .Executes(async ct =>
        {
            var result = await Session.Releases.RollbackAsync(Session.Migration(Migration), RollbackTrigger.Manual, new MigrationProgressToHost(Host), ct);
            Host.Info(result.Record.Detail);
        });
}
