using Sluice.Environments;
using Sluice.Migrations.Journal;
using Sluice.Postgres.Rehearsal;
using Sluice.Postgres.Releases;
using Sluice.Postgres.Secrets;
using Sluice.Rehearsal.Profiles;
using Sluice.Rehearsal.Runs;

namespace Sluice.Postgres.Environments;

/// <summary>The session's profile and rehearsals: statistics read from the environment, the rehearsal run in an
/// ephemeral database beside it (or on a throwaway cluster, <see cref="RehearsalCluster"/>), the evidence recorded
/// through the session's pool.</summary>
internal sealed class PostgresEnvironmentRehearsals(EnvironmentSessionRequest request, string connectionString, PostgresReleaseDatabase database,
    PostgresEnvironmentSession session) : IEnvironmentRehearsals
{
    public Task<DataProfile> ProfileAsync(SensitiveColumns sensitive, CancellationToken cancellationToken) =>
        PostgresProfiler.ReadAsync(connectionString, new ProfileOptions(request.Environment, sensitive), cancellationToken);

    public async Task<RehearsalReport> RehearseAsync(RehearsalSettings settings, CancellationToken cancellationToken)
    {
        var plans = session.Plans;
        await session.Journal.EnsureAsync(cancellationToken);
        var applied = (await session.Journal.ReadAllAsync(0, cancellationToken))
            .Where(p => p.Plan.Status == JournalStatus.Done).Select(p => p.Plan.PlanId).ToHashSet(StringComparer.Ordinal);
        await using var scratch = await RehearsalCluster.ForAsync(connectionString, plans.Plans.Any(p => p.Phases.Any(ph => ph.ClusterStatements)), cancellationToken);
        return await new PostgresRehearsalService(scratch.Databases, scratch.Throwaway).RehearseAsync(
            new RehearsalRequest(plans.ServiceFolder, request.Environment, settings.Profile, applied, settings.MigrationId, new SyntheticOptions(settings.Scale),
                new WorkloadOptions(settings.WorkloadRuns, settings.WorkloadSeed), plans), cancellationToken);
    }

    public Task RecordEvidenceAsync(RehearsalReport report, string reportJson, CancellationToken cancellationToken) =>
        PostgresRehearsalEvidence.RecordAsync(database.DataSource, report, ConnectionSecrets.Redactor(connectionString, request.Secrets).Redact(reportJson), cancellationToken);
}
