using System.Diagnostics;
using Sluice.Migrations.Plans;
using Sluice.Postgres.Databases;
using Sluice.Lint;
using Sluice.Lint.Parser;
using Sluice.Rehearsal.Predictions;
using Sluice.Rehearsal.Runs;

namespace Sluice.Postgres.Rehearsal;

/// <summary>
/// A whole rehearsal: an ephemeral database, the schema at the environment's version, synthetic data following the
/// profile; then, once per workload seed on a clone of it, every pending phase forward, back and forward again (the
/// runs' findings brought together by <see cref="SeededRuns"/>); plus the findings of the shared lint rule set (<see cref="Linter"/>), read first. Every database is dropped at the end.
/// Each database belongs to a role of its own that can change nothing outside it (<see cref="ConfinedRole"/>; the seeds'
/// clones share it), unless the plans declare cluster statements and <paramref name="throwawayCluster"/> says the whole
/// server is the rehearsal's to lose.
/// </summary>
public sealed class PostgresRehearsalService(EphemeralDatabases databases, bool throwawayCluster = false, ISqlParser? parser = null)
{
    public async Task<RehearsalReport> RehearseAsync(RehearsalRequest request, CancellationToken cancellationToken)
    {
        var startedAt = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var service = Path.GetFileName(Path.GetFullPath(request.ServiceFolder).TrimEnd('/'));
        var all = request.Plans ?? new ServicePlans(service, request.ServiceFolder, ServicePlans.LoadMigrations(Path.Combine(request.ServiceFolder, "migrations")));
        var selected = all.Select(request.MigrationId);
        var pending = selected.Where(p => !request.AppliedPlans.Contains(p.Id)).ToList();
        var applied = all.Plans.Where(p => request.AppliedPlans.Contains(p.Id)).ToList();
        // The shared rule set first: a statement that does not parse stops the rehearsal before any database exists.
        var settings = LintSettings.Load(request.ServiceFolder);
        var lint = new LintContext(settings, request.Profile, await new Linter(parser ?? new PgQueryParser()).LintAsync(pending, settings, request.Profile, cancellationToken));

        await using var database = throwawayCluster && pending.Any(p => p.Phases.Any(ph => ph.ClusterStatements))
            ? await databases.CreateEmptyAsync(cancellationToken)
            : await databases.CreateConfinedAsync(cancellationToken);
        await RehearsalSchema.BuildAsync(database.ConnectionString, request.ServiceFolder, applied, cancellationToken);
        var synthetic = await SyntheticDataGenerator.FillAsync(database.ConnectionString, request.Profile, request.Synthetic ?? new SyntheticOptions(), cancellationToken);

        var workload = request.Workload ?? new WorkloadOptions();
        var seeds = workload.Seeds(new Random());
        var runs = new List<(int Seed, IReadOnlyList<PhaseRehearsal> Phases, IReadOnlyList<RehearsalFinding> Findings)>();
        foreach (var seed in seeds)
        {
            await using var run = await databases.CloneAsync(database, cancellationToken, whenConnected: TemplateConnections.Terminate);
            var (phases, findings) = await new PostgresRehearsal(run.ConnectionString, EffectiveScale(synthetic), workload, lint) { TableRows = TableRowsOf(synthetic) }.RunAsync(pending, seed, cancellationToken);
            runs.Add((seed, phases, findings));
        }

        return new RehearsalReport(service, request.Environment, [.. pending.Select(p => new PlanHash(p.Id, p.Hash))], startedAt, clock.Elapsed,
            synthetic.TotalRows, EffectiveScale(synthetic), runs[0].Phases, [.. SeededRuns.Merge([.. runs.Select(r => (r.Seed, r.Findings))]), .. lint.AsRehearsalFindings(id => Path.GetFileName(pending.Single(p => p.Id == id).Folder))], seeds);
    }

    private static Dictionary<string, TableRows> TableRowsOf(SyntheticResult synthetic) =>
        synthetic.Tables.ToDictionary(t => StatementWork.Qualified(t.Table), t => new TableRows(StatementWork.Qualified(t.Table), t.ProfileRows, t.Rows), StringComparer.Ordinal);

    // Rows actually made against rows profiled: durations extrapolate by its inverse.
    private static double EffectiveScale(SyntheticResult synthetic)
    {
        var profiled = synthetic.Tables.Sum(t => t.ProfileRows);
        return profiled == 0 ? 1 : (double)synthetic.TotalRows / profiled;
    }
}
