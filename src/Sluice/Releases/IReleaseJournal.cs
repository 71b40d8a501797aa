using Sluice.Gates;

namespace Sluice.Releases;

/// <summary>The release side of the journal: rollbacks and their outcomes, gate decisions, approvals.</summary>
public interface IReleaseJournal : IApprovalSource
{
    /// <summary>Creates the tables when missing; safe to call from concurrent runners.</summary>
    Task EnsureAsync(CancellationToken cancellationToken);

    Task RecordRollbackAsync(RollbackRecord rollback, CancellationToken cancellationToken);

    Task<IReadOnlyList<RollbackRecord>> ReadRollbacksAsync(int last, CancellationToken cancellationToken);

    Task RecordGateReportAsync(GateReport report, string by, CancellationToken cancellationToken);

    Task<IReadOnlyList<GateDecision>> ReadGateDecisionsAsync(int last, CancellationToken cancellationToken);

    Task RecordApprovalAsync(Approval approval, CancellationToken cancellationToken);

    Task<IReadOnlyList<Approval>> ReadAllApprovalsAsync(CancellationToken cancellationToken);

    /// <summary>Records what ExpirePartialStates did with a plan past its <c>max_partial_state</c>.</summary>
    Task RecordExpiryActionAsync(ExpiryAction action, CancellationToken cancellationToken);

    Task<IReadOnlyList<ExpiryAction>> ReadExpiryActionsAsync(int last, CancellationToken cancellationToken);
}
