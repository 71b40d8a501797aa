using Sluice.Rehearsal.Profiles;
using Sluice.Rehearsal.Runs;

namespace Sluice.Environments;

/// <summary>The data profile of one session's environment and rehearsals of its pending plans, which run elsewhere
/// (an ephemeral database) and leave their evidence in the environment's journal.</summary>
public interface IEnvironmentRehearsals
{
    /// <summary>Reads the environment's statistics (never a row), <paramref name="sensitive"/> columns masked.</summary>
    Task<DataProfile> ProfileAsync(SensitiveColumns sensitive, CancellationToken cancellationToken);

    /// <summary>Rehearses the plans not yet done on the environment on synthetic data following <paramref name="settings"/>' profile.</summary>
    Task<RehearsalReport> RehearseAsync(RehearsalSettings settings, CancellationToken cancellationToken);

    /// <summary>Rehearses the same plans on a throwaway copy restored from one of the environment's verified snapshots
    /// (<c>Rehearse --from-snapshot</c>): real data instead of synthetic. The snapshot is chosen, or refused (<c>SLU260</c>),
    /// by <see cref="Sluice.Rehearsal.FromSnapshot.RehearsalSnapshotChoice"/>; a copy whose journal is not the environment's
    /// is <c>SLU263</c>. The copy is deleted afterwards, also on failure and cancellation; the report names the snapshot.</summary>
    Task<RehearsalReport> RehearseOnSnapshotAsync(SnapshotRehearsalSettings settings, CancellationToken cancellationToken);

    /// <summary>Records the report as the rehearsal gate's evidence in the environment's journal (redacted first).</summary>
    Task RecordEvidenceAsync(RehearsalReport report, string reportJson, CancellationToken cancellationToken);
}

/// <summary>What a rehearsal runs on.</summary>
/// <param name="Profile">The data profile the synthetic data follows.</param>
/// <param name="MigrationId">Only this plan; null for every pending plan.</param>
/// <param name="Scale">Synthetic rows relative to the profile.</param>
/// <param name="WorkloadRuns">How many seeded workloads, each a whole run.</param>
/// <param name="WorkloadSeed">Replay the one workload of this seed.</param>
public sealed record RehearsalSettings(DataProfile Profile, string? MigrationId, double Scale, int WorkloadRuns, int? WorkloadSeed);

/// <summary>What a rehearsal on a restored snapshot runs on.</summary>
/// <param name="Snapshot">A snapshot id, or <c>latest</c> (the newest verified one).</param>
/// <param name="MigrationId">Only this plan; null for every pending plan.</param>
/// <param name="WorkloadRuns">How many seeded workloads, each a whole run (on a managed service's copy, at most 1).</param>
/// <param name="WorkloadSeed">Replay the one workload of this seed.</param>
public sealed record SnapshotRehearsalSettings(string Snapshot, string? MigrationId, int WorkloadRuns, int? WorkloadSeed);
