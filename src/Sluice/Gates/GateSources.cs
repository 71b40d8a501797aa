using Sluice.Migrations.Journal;

namespace Sluice.Gates;

/// <summary>Everything gates read, bundled so a policy can build its gates.</summary>
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
    Drills.IDrillEvidenceSource? Drills = null);
