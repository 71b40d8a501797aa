using Sluice.Build;
using Sluice.Errors;
using Sluice.Releases;

namespace Sluice.Targets;

/// <summary>
/// <c>ExpirePartialStates --env X</c>: what the scheduled pipeline runs. Every plan half-applied on the environment for
/// longer than its <c>max_partial_state</c> is completed, rolled back or alerted on, as its <c>on_expiry</c> says
/// (<see cref="ReleaseService.ExpirePartialStatesAsync"/>), and the action is journaled. An alert changes nothing and
/// fails the target (SLU236, exit 1) so that the schedule's run goes red and someone decides.
/// </summary>
public interface IExpirePartialStates : IMigrate
{
    Target ExpirePartialStates => _ => _
        .Description("Completes, rolls back or alerts on plans partial past their max_partial_state, as each plan's on_expiry says; journaled")
        .Environment()
        .Validates(CheckPlansAsync)
        .Executes(async ct =>
        {
            var actions = await Session.Releases.ExpirePartialStatesAsync(Session.Migration(Migration), new MigrationProgressToHost(Host), ct);
            if (actions.Count == 0) Host.Info($"no plan on {Env} is partial past its max_partial_state");
            foreach (var action in actions)
                Host.Info($"{action.PlanId}: on_expiry {action.Policy.ToString().ToLowerInvariant()} -> {action.Outcome.ToString().ToLowerInvariant()}: {action.Detail}");
            var alerts = actions.Where(a => a.Outcome == ExpiryOutcome.Alerted).ToList();
            if (alerts.Count > 0)
                throw new SluiceException(ErrorKind.Failure, ErrorCodes.PartialStateExpired,
                    $"{string.Join(", ", alerts.Select(a => a.PlanId))} stayed partial past max_partial_state and on_expiry is alert",
                    $"finish it with ./build.sh Migrate --env {Env} or revert it with ./build.sh Rollback --env {Env}, or set on_expiry: complete|rollback in its plan.yaml");
        });
}
