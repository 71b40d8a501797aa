using Sluice.Environments;
using Sluice.Migrations.Journal;
using Sluice.Postgres.Rehearsal;
using Sluice.Postgres.Releases;
using Sluice.Postgres.Secrets;
using Sluice.Rehearsal.FromSnapshot;
using Sluice.Rehearsal.Profiles;
using Sluice.Snapshots.Cloud;
using Sluice.Rehearsal.Runs;

namespace Sluice.Postgres.Environments;

/// <summary>The session's profile and rehearsals: statistics read from the environment, the rehearsal run in an
/// ephemeral database beside it (or on a throwaway cluster, <see cref="RehearsalCluster"/>), the evidence recorded
/// through the session's pool. On <c>--from-snapshot</c>, on a copy restored from a snapshot instead
/// (<see cref="PostgresEnvironmentSnapshots.OnCopyAsync"/>), deleted afterwards.</summary>
internal sealed class PostgresEnvironmentRehearsals(EnvironmentSessionRequest request, string connectionString, PostgresReleaseDatabase database,
    PostgresEnvironmentSession session, PostgresEnvironmentSnapshots snapshots) : IEnvironmentRehearsals
{
    public Task<DataProfile> ProfileAsync(SensitiveColumns sensitive, CancellationToken cancellationToken) =>
        PostgresProfiler.ReadAsync(connectionString, new ProfileOptions(request.Environment, sensitive), cancellationToken);

    public async Task<RehearsalReport> RehearseAsync(RehearsalSettings settings, CancellationToken cancellationToken)
    {
        var plans = session.Plans;
        var applied = await AppliedAsync(cancellationToken);
        await using var scratch = await RehearsalCluster.ForAsync(connectionString, ClusterStatements(plans), cancellationToken);
        return await new PostgresRehearsalService(scratch.Databases, scratch.Throwaway).RehearseAsync(
            new RehearsalRequest(plans.ServiceFolder, request.Environment, settings.Profile, applied, settings.MigrationId, new SyntheticOptions(settings.Scale),
                new WorkloadOptions(settings.WorkloadRuns, settings.WorkloadSeed), plans)
            {
                Replay = new ReplayOptions(PlanFidelityMinimum: Sluice.Gates.GateSettings.Read(request.EffectiveSpec.Gates, request.SpecFile).PlanFidelity),
            }, cancellationToken);
    }

    public async Task<RehearsalReport> RehearseOnSnapshotAsync(SnapshotRehearsalSettings settings, CancellationToken cancellationToken)
    {
        var plans = session.Plans;
        var spec = request.EffectiveSpec;
        var cloud = spec.IsCloud && string.IsNullOrEmpty(request.DatabaseOverride);
        // A dump of a database on this machine is this machine's data already; one of a server elsewhere is not.
        var source = cloud ? RehearsalSnapshotSource.Cloud
            : RehearsalCluster.OnThisMachine(connectionString) ? RehearsalSnapshotSource.Local
            : RehearsalSnapshotSource.Remote;
        var manifest = await RehearsalSnapshotChoice.ChooseAsync(new RehearsalSnapshotRequest(settings.Snapshot, request.Environment, request.SpecFile, source,
            cloud ? CloudDefinitionReader.Read(spec, request.SpecFile) : null, settings.WorkloadRuns, ClusterStatements(plans)), session.Snapshots.Catalog, cancellationToken);
        var snapshot = RehearsalSnapshot.Of(manifest);
        var applied = await AppliedAsync(cancellationToken);
        var sensitive = await SensitiveColumns.LoadAsync(plans.ServiceFolder, cancellationToken);
        return await snapshots.OnCopyAsync(manifest, async (copy, ct) =>
        {
            await PostgresRehearsalService.EnsureSameJournalAsync(request.Environment, applied, copy, snapshot, ct);
            // The copy's own statistics (masked as a profile always is) are what the lint rules weigh sizes by.
            var profile = await PostgresProfiler.ReadAsync(copy, new ProfileOptions($"snapshot {manifest.Id} of {request.Environment}", sensitive), ct);
            return await PostgresRehearsalService.RehearseOnCopyAsync(new RehearsalRequest(plans.ServiceFolder, request.Environment, profile, applied,
                settings.MigrationId, Workload: new WorkloadOptions(settings.WorkloadRuns, settings.WorkloadSeed), Plans: plans), copy, snapshot, null, ct);
        }, cancellationToken);
    }

    private async Task<HashSet<string>> AppliedAsync(CancellationToken cancellationToken)
    {
        await session.Journal.EnsureAsync(cancellationToken);
        return (await session.Journal.ReadAllAsync(0, cancellationToken))
            .Where(p => p.Plan.Status == JournalStatus.Done).Select(p => p.Plan.PlanId).ToHashSet(StringComparer.Ordinal);
    }

    private static bool ClusterStatements(Sluice.Migrations.Plans.ServicePlans plans) => plans.Plans.Any(p => p.Phases.Any(ph => ph.ClusterStatements));

    public Task RecordEvidenceAsync(RehearsalReport report, string reportJson, CancellationToken cancellationToken) =>
        PostgresRehearsalEvidence.RecordAsync(database.DataSource, report, ConnectionSecrets.Redactor(connectionString, request.Secrets).Redact(reportJson), cancellationToken);
}
