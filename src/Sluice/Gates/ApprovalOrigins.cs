using Sluice.Errors;

namespace Sluice.Gates;

/// <summary>
/// The approvals gate's source for an environment's <c>gates.approvals_from</c>: the journal for <c>approve</c>, the
/// build's code reviews for <c>github</c> (their evidence signed by <see cref="ReviewedEvidence"/>), or both, an
/// approver counting once whichever way they approved.
/// </summary>
public static class ApprovalOrigins
{
    public static IApprovalSource Source(GateSettings settings, GateSources sources, ChangeCalendar calendar, string? file = null, int? line = null)
    {
        var chosen = settings.Origins.Select(origin => origin switch
        {
            ApprovalOrigin.GitHub => new ReviewedEvidence(sources.CodeReviews ?? throw Missing(file, line), sources, calendar),
            _ => sources.Approvals,
        }).ToList();
        return chosen.Count == 1 ? chosen[0] : new AnyOf(chosen);
    }

    /// <summary>The environment takes approvals from GitHub and the build has none to give (SLU146).</summary>
    public static SluiceException Missing(string? file, int? line) => SluiceException.Usage(ErrorCodes.CodeReviewsMissing,
        "gates.approvals_from lists \"github\", but this build reads no GitHub reviews",
        "add the component IApproveOnGitHub (package Sluice.GitHub) to the build class, or take \"github\" out of gates.approvals_from", file, line);

    /// <summary>Every approval of any of the sources; the remedy names each way to approve.</summary>
    private sealed class AnyOf(IReadOnlyList<IApprovalSource> sources) : IApprovalSource
    {
        public async Task<IReadOnlyList<Approval>> ReadApprovalsAsync(string environment, string planId, string planHash, CancellationToken cancellationToken)
        {
            var all = new List<Approval>();
            foreach (var source in sources) all.AddRange(await source.ReadApprovalsAsync(environment, planId, planHash, cancellationToken));
            return all;
        }

        public async Task<IReadOnlyList<Approval>> ReadSignedApprovalsAsync(string environment, string planId, CancellationToken cancellationToken)
        {
            var all = new List<Approval>();
            foreach (var source in sources) all.AddRange(await source.ReadSignedApprovalsAsync(environment, planId, cancellationToken));
            return all;
        }

        public async Task<IReadOnlyList<VoidedApproval>> ReadVoidedApprovalsAsync(string environment, string planId, CancellationToken cancellationToken)
        {
            var all = new List<VoidedApproval>();
            foreach (var source in sources) all.AddRange(await source.ReadVoidedApprovalsAsync(environment, planId, cancellationToken));
            return all;
        }

        public string HowToApprove(string environment) => string.Join("; or ", sources.Select(s => s.HowToApprove(environment)));
    }
}
