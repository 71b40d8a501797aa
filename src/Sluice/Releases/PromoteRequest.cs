using Sluice.Environments;
using Sluice.Gates;
using Sluice.Migrations.Running;

namespace Sluice.Releases;

/// <summary>What Gate and Promote act on: the migration request, the environment's definition, the environments that
/// come before it in the promotion order, and where gates read their evidence.</summary>
/// <param name="Snapshot">Takes and verifies a snapshot before migrating, where the snapshot gate applies; null when
/// the build has no snapshot component (the gate then says that no verified snapshot exists).</param>
/// <param name="Barrier">Work between phases under the migration's lease (the canary), told how a rollback went; null for none.</param>
public sealed record PromoteRequest(MigrationRequest Migration, EnvironmentSpec Spec, IReadOnlyList<EarlierEnvironment> Earlier, GateSources Sources,
    string? SpecFile = null, IReleaseSnapshot? Snapshot = null, IPhaseBarrier? Barrier = null);

/// <summary>How a Promote ended.</summary>
public enum PromoteOutcome
{
    /// <summary>Nothing was pending: nothing ran, no gate was asked.</summary>
    NothingPending,
    Completed,
    /// <summary>The time budget ran out after a checkpoint; run again to continue (exit 4).</summary>
    Incomplete,
    /// <summary>Stopped on purpose before the canary (<c>--until-canary</c>), the phases before it done (exit 0).</summary>
    Paused,
}

public sealed record PromoteResult(PromoteOutcome Outcome, GateReport? Gates, MigrationRunResult? Run, string Summary);

/// <summary>The outcome of a rollback, as recorded.</summary>
public sealed record RollbackResult(RollbackRecord Record, MigrationRunResult? Run);
