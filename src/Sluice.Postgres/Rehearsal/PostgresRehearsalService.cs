using System.Diagnostics;
using Sluice.Migrations.Plans;
using Sluice.Postgres.Databases;
using Sluice.Rehearsal.Hints;
using Sluice.Rehearsal.Runs;

namespace Sluice.Postgres.Rehearsal;

/// <summary>
/// A whole rehearsal: an ephemeral database, the schema at the environment's version, synthetic data following the
/// profile; then, once per workload seed on a clone of it, every pending phase forward, back and forward again; plus
/// the static hints. Findings of the first run are reported as they are; a later run's findings that the first did
/// not have are added with their seed, and a disagreement between runs is itself a finding (the outcome depends on
/// what the application wrote). Every database is dropped at the end.
/// </summary>
public sealed class PostgresRehearsalService(EphemeralDatabases databases)
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

        await using var database = await databases.CreateEmptyAsync(cancellationToken);
        await RehearsalSchema.BuildAsync(database.ConnectionString, request.ServiceFolder, applied, cancellationToken);
        var synthetic = await SyntheticDataGenerator.FillAsync(database.ConnectionString, request.Profile, request.Synthetic ?? new SyntheticOptions(), cancellationToken);

        var workload = request.Workload ?? new WorkloadOptions();
        var seeds = workload.Seeds(new Random());
        var runs = new List<(int Seed, IReadOnlyList<PhaseRehearsal> Phases, IReadOnlyList<RehearsalFinding> Findings)>();
        foreach (var seed in seeds)
        {
            await using var run = await databases.CloneAsync(database.Name, cancellationToken, whenConnected: TemplateConnections.Terminate);
            var (phases, findings) = await new PostgresRehearsal(run.ConnectionString, EffectiveScale(synthetic), workload).RunAsync(pending, seed, cancellationToken);
            runs.Add((seed, phases, findings));
        }

        return new RehearsalReport(service, request.Environment, [.. pending.Select(p => new PlanHash(p.Id, p.Hash))], startedAt, clock.Elapsed,
            synthetic.TotalRows, EffectiveScale(synthetic), runs[0].Phases, [.. Merge(runs), .. pending.SelectMany(StaticHints.Check)], seeds);
    }

    private static List<RehearsalFinding> Merge(IReadOnlyList<(int Seed, IReadOnlyList<PhaseRehearsal> Phases, IReadOnlyList<RehearsalFinding> Findings)> runs)
    {
        static (string, string?, string?, string?, int?) Key(RehearsalFinding f) => (f.Rule, f.Plan, f.Phase, f.File, f.Line);
        static string Errors(IEnumerable<RehearsalFinding> findings) =>
            findings.Where(f => f.Severity == FindingSeverity.Error).Select(f => $"{f.Rule} in {f.Phase}").Distinct().DefaultIfEmpty("no error").Aggregate((a, b) => $"{a}, {b}");

        var (firstSeed, _, first) = runs[0];
        var merged = new List<RehearsalFinding>(first);
        var known = first.Select(Key).ToHashSet();
        foreach (var (seed, _, findings) in runs.Skip(1))
        {
            merged.AddRange(findings.Where(f => f.Severity != FindingSeverity.Info && known.Add(Key(f))));
            var errors = (Errors(first), Errors(findings));
            if (errors.Item1 != errors.Item2)
                merged.Add(new RehearsalFinding(FindingSeverity.Warning, "workload-dependent",
                    $"the runs disagree: under seed {firstSeed}: {errors.Item1}; under seed {seed}: {errors.Item2}. The outcome depends on what the application wrote while the phases ran",
                    $"replay each with --workload-seed and make the phases (and their downs) correct whatever is written meanwhile", Seed: seed));
        }
        return merged;
    }

    // Rows actually made against rows profiled: durations extrapolate by its inverse.
    private static double EffectiveScale(SyntheticResult synthetic)
    {
        var profiled = synthetic.Tables.Sum(t => t.ProfileRows);
        return profiled == 0 ? 1 : (double)synthetic.TotalRows / profiled;
    }
}
