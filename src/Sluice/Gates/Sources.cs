using Sluice.Migrations.Journal;

namespace Sluice.Gates;

/// <summary>A sign-off of one plan (at one hash) for one environment.</summary>
/// <param name="Signed">The evidence the approver saw (<c>./build.sh Approve</c>); null from a code-review system,
/// whose approval covers the plan's hash only.</param>
/// <param name="OsUser">The OS user who ran Approve, read from the machine.</param>
/// <param name="GitIdentity">Their git identity (<c>user.email</c>), when configured.</param>
public sealed record Approval(string Environment, string PlanId, string PlanHash, string By, DateTimeOffset At,
    SignedEvidence? Signed = null, string? OsUser = null, string? GitIdentity = null);

/// <summary>Where approvals come from: the journal (<c>./build.sh Approve</c>), or a code-review system.</summary>
public interface IApprovalSource
{
    Task<IReadOnlyList<Approval>> ReadApprovalsAsync(string environment, string planId, string planHash, CancellationToken cancellationToken);

    /// <summary>Every approval of the plan for the environment at any hash, so a voided one can be named; a source that
    /// keeps only current approvals returns none.</summary>
    Task<IReadOnlyList<Approval>> ReadSignedApprovalsAsync(string environment, string planId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Approval>>([]);

    /// <summary>Approvals this source no longer counts for a reason of its own (a code review of a commit a later push
    /// replaced), so the gate can name them; none by default.</summary>
    Task<IReadOnlyList<VoidedApproval>> ReadVoidedApprovalsAsync(string environment, string planId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<VoidedApproval>>([]);

    /// <summary>What someone does to give an approval this source counts: the gate's remedy.</summary>
    string HowToApprove(string environment) =>
        $"someone other than the plan's owner runs ./build.sh Approve --env {environment} --by NAME (NAME: their OS user or git email)";
}

/// <summary>An approval a source no longer counts, and why (<c>a push after the review</c>).</summary>
public sealed record VoidedApproval(string By, string PlanId, string Reason);

/// <summary>When the environment's latest verified snapshot was verified; null when none is.</summary>
/// <remarks>The snapshot components (ISnapshot/VerifySnapshot) are built separately; until they record verifications
/// where a gate can read them, <see cref="NoSnapshotSource"/> says that no verified snapshot exists.</remarks>
public interface IVerifiedSnapshotSource
{
    Task<DateTimeOffset?> LatestVerifiedAsync(string environment, CancellationToken cancellationToken);

    /// <summary>The id of the latest verified snapshot, which an approval signs; null when none is (or the source cannot name it).</summary>
    Task<string?> LatestVerifiedIdAsync(string environment, CancellationToken cancellationToken) => Task.FromResult<string?>(null);
}

/// <summary>When this exact plan hash was last rehearsed successfully; null when it never was.</summary>
/// <remarks>Rehearsal is built separately; until it records evidence, <see cref="NoRehearsalSource"/> says none exists.</remarks>
public interface IRehearsalEvidenceSource
{
    Task<DateTimeOffset?> LatestRehearsalAsync(string environment, string planHash, CancellationToken cancellationToken);
}

/// <summary>The snapshot source of a build without the snapshot components.</summary>
public sealed class NoSnapshotSource : IVerifiedSnapshotSource
{
    public Task<DateTimeOffset?> LatestVerifiedAsync(string environment, CancellationToken cancellationToken) => Task.FromResult<DateTimeOffset?>(null);
}

/// <summary>The rehearsal source of a build without the rehearsal component.</summary>
public sealed class NoRehearsalSource : IRehearsalEvidenceSource
{
    public Task<DateTimeOffset?> LatestRehearsalAsync(string environment, string planHash, CancellationToken cancellationToken) => Task.FromResult<DateTimeOffset?>(null);
}

/// <summary>Streaming replicas of the environment's primary and the largest replay lag among them.</summary>
public sealed record ReplicationState(int Replicas, TimeSpan? MaxLag);

public interface IReplicationLagSource
{
    Task<ReplicationState> ReadAsync(CancellationToken cancellationToken);
}

/// <summary>What another environment's journal says about plans: null when it cannot be reached.</summary>
public interface IPromotionHistory
{
    Task<IReadOnlyList<PlanRecord>?> ReadPlansAsync(string environment, CancellationToken cancellationToken);
}

/// <summary>An environment earlier in the promotion order than the one being promoted to.</summary>
public sealed record EarlierEnvironment(string Name, int Order);

/// <summary>The drill source of a build without the drill component: no drill ever ran.</summary>
public sealed class NoDrillSource : Drills.IDrillEvidenceSource
{
    public Task<Drills.DrillResult?> LatestAsync(string environment, string scenario, CancellationToken cancellationToken) => Task.FromResult<Drills.DrillResult?>(null);
}
