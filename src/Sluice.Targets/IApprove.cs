using Sluice.Build;

namespace Sluice.Targets;

/// <summary><c>Approve --by NAME</c> records a sign-off of every pending plan (at its current hash) for <c>--env</c> in
/// the journal, where the approvals gate reads it, signing the rehearsal, the verified snapshot and the change window as
/// they stand (a change to any voids it) and recording who ran it (OS user, git identity). A plan's owner cannot approve it.</summary>
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
            var approvals = await Session.Releases.ApproveAsync(Session.Release(Session.Migration(Migration)), By ?? "", ct);
            Host.Info(approvals.Count == 0 ? "nothing pending to approve"
                : $"{By} approved {string.Join(", ", approvals.Select(a => $"{a.PlanId} ({a.PlanHash[..12]})"))} for {Env}");
            foreach (var signed in approvals.Select(a => a.Signed).OfType<Sluice.Gates.SignedEvidence>().Distinct())
                Host.Info($"signed: rehearsal {signed.Rehearsal ?? "none"}, verified snapshot {signed.Snapshot ?? "none"}, change window {signed.ChangeWindow}; a change to any voids it");
        });
}
