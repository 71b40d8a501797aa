using Sluice.Build;

namespace Sluice.Targets;

/// <summary><c>Approve --by NAME</c> records a sign-off of every pending plan (at its current hash) for <c>--env</c> in
/// the journal, where the approvals gate reads it. A plan's owner cannot approve it.</summary>
public interface IApprove : IMigrate
{
    [Parameter("Approve: who signs off the pending plans (not their owner)")]
    string? By => this.Parameter<string>();

    Target Approve => _ => _
        .Description("Records --by NAME's approval of the pending plans for the environment (an owner cannot approve their own plan)")
        .Environment()
        .Validates(CheckPlansAsync)
        .Executes(async ct =>
        {
            var approvals = await Session.Releases.ApproveAsync(Session.Migration(Migration), By ?? "", ct);
            Host.Info(approvals.Count == 0 ? "nothing pending to approve"
                : $"{By} approved {string.Join(", ", approvals.Select(a => $"{a.PlanId} ({a.PlanHash[..12]})"))} for {Env}");
        });
}
