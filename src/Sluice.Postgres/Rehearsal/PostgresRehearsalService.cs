using System.Diagnostics;
using Sluice.Migrations.Plans;
using Sluice.Postgres.Databases;
using Sluice.Rehearsal.Hints;
using Sluice.Rehearsal.Runs;

namespace Sluice.Postgres.Rehearsal;

/// <summary>
/// A whole rehearsal: an ephemeral database, the schema at the environment's version, synthetic data following the
/// profile, every pending phase forward, back and forward again, plus the static hints. The database is dropped at the end.
/// It belongs to a role of its own that can change nothing outside it (<see cref="ConfinedRole"/>), unless the plans
/// declare cluster statements and <paramref name="throwawayCluster"/> says the whole server is the rehearsal's to lose.
/// </summary>
public sealed class PostgresRehearsalService(EphemeralDatabases databases, bool throwawayCluster = false)
{
    public async Task<RehearsalReport> RehearseAsync(RehearsalRequest request, CancellationToken cancellationToken)
    {
        var startedAt = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var service = Path.GetFileName(Path.GetFullPath(request.ServiceFolder).TrimEnd('/'));
        var all = new ServicePlans(service, request.ServiceFolder, ServicePlans.LoadMigrations(Path.Combine(request.ServiceFolder, "migrations")));
        var selected = all.Select(request.MigrationId);
        var pending = selected.Where(p => !request.AppliedPlans.Contains(p.Id)).ToList();
        var applied = all.Plans.Where(p => request.AppliedPlans.Contains(p.Id)).ToList();

        await using var database = throwawayCluster && pending.Any(p => p.Phases.Any(ph => ph.ClusterStatements))
            ? await databases.CreateEmptyAsync(cancellationToken)
            : await databases.CreateConfinedAsync(cancellationToken);
        await RehearsalSchema.BuildAsync(database.ConnectionString, request.ServiceFolder, applied, cancellationToken);
        var synthetic = await SyntheticDataGenerator.FillAsync(database.ConnectionString, request.Profile, request.Synthetic ?? new SyntheticOptions(), cancellationToken);
        var (phases, findings) = await new PostgresRehearsal(database.ConnectionString, EffectiveScale(synthetic)).RunAsync(pending, cancellationToken);

        return new RehearsalReport(service, request.Environment, [.. pending.Select(p => new PlanHash(p.Id, p.Hash))], startedAt, clock.Elapsed,
            synthetic.TotalRows, EffectiveScale(synthetic), phases, [.. findings, .. pending.SelectMany(StaticHints.Check)]);
    }

    // Rows actually made against rows profiled: durations extrapolate by its inverse.
    private static double EffectiveScale(SyntheticResult synthetic)
    {
        var profiled = synthetic.Tables.Sum(t => t.ProfileRows);
        return profiled == 0 ? 1 : (double)synthetic.TotalRows / profiled;
    }
}
