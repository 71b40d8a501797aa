using Sluice.Migrations.Journal;

namespace Sluice.Gates;

/// <summary>Everything gates read, bundled so a policy can build its gates.</summary>
/// <param name="Approvals">Approvals given with <c>./build.sh Approve</c> (the journal).</param>
/// <param name="CodeReviews">Approvals from a code-review system (GitHub's pull-request reviews), for environments whose
/// <c>gates.approvals_from</c> lists it; null when the build has none.</param>
public sealed record GateSources(
    IMigrationJournal Journal,
    IApprovalSource Approvals,
    IReplicationLagSource Replication,
    IPromotionHistory History,
    IVerifiedSnapshotSource Snapshots,
    IRehearsalEvidenceSource Rehearsals,
    ISchemaExpectations Drift,
    IPlanHintSource? Hints = null,
    IRequirementSource? Requirements = null,
    Drills.IDrillEvidenceSource? Drills = null,
    IApprovalSource? CodeReviews = null);
