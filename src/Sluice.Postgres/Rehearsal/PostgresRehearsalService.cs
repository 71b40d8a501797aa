using System.Diagnostics;
using Npgsql;
using Sluice.Errors;
using Sluice.Migrations.Journal;
using Sluice.Postgres.Migrations;
using Sluice.Rehearsal.FromSnapshot;
using Sluice.Migrations.Plans;
using Sluice.Postgres.Databases;
using Sluice.Lint;
using Sluice.Lint.Parser;
using Sluice.Rehearsal.Predictions;
using Sluice.Rehearsal.Runs;
using Sluice.Rehearsal.Traffic;
using Sluice.Rehearsal.Hints;

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
        var (service, pending, applied, lint) = await PrepareAsync(request, parser, cancellationToken);

        await using var database = throwawayCluster && pending.Any(p => p.Phases.Any(ph => ph.ClusterStatements))
            ? await databases.CreateEmptyAsync(cancellationToken)
            : await databases.CreateConfinedAsync(cancellationToken);
        await RehearsalSchema.BuildAsync(database.ConnectionString, request.ServiceFolder, applied, cancellationToken);
        var synthetic = await SyntheticDataGenerator.FillAsync(database.ConnectionString, request.Profile, request.Synthetic ?? new SyntheticOptions(), cancellationToken);

        var scale = EffectiveScale(synthetic);
        // The synthetic data is analysed: its plans are what the planner will choose at this size and distribution.
        var replay = await StatementReplay.PrepareAsync(database.ConnectionString, request.Profile, request.Replay, cancellationToken);
        var runs = await RunSeedsAsync(request, pending, lint, scale,
            async ct => await databases.CloneAsync(database, ct, whenConnected: TemplateConnections.Terminate), cancellationToken, tableRows: TableRowsOf(synthetic),
            replay: RehearsalCluster.OnThisMachine(database.ConnectionString) ? replay : null);
        return WithTraffic(Report(request, service, pending, lint, startedAt, clock.Elapsed, synthetic.TotalRows, scale, runs), request, replay, runs[0].Replayed);
    }

    /// <summary>
    /// The same rehearsal on a copy restored from a snapshot (<paramref name="copyConnectionString"/>, a database the
    /// caller deletes afterwards, on a server holding nothing else of value): the data is real, so nothing is built or
    /// generated and durations are as measured. The caller checks first that the copy is where the environment is
    /// (<see cref="EnsureSameJournalAsync"/>). One workload runs on the copy itself; more run each on a clone of it on the
    /// copy's server.
    /// </summary>
    public static async Task<RehearsalReport> RehearseOnCopyAsync(RehearsalRequest request, string copyConnectionString, RehearsalSnapshot snapshot,
        ISqlParser? parser, CancellationToken cancellationToken)
    {
        var startedAt = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var (service, pending, _, lint) = await PrepareAsync(request, parser, cancellationToken);
        var copy = new NpgsqlConnectionStringBuilder(copyConnectionString);
        var server = new EphemeralDatabases(new NpgsqlConnectionStringBuilder(copyConnectionString) { Database = "postgres", Pooling = false }.ConnectionString);
        var runs = await RunSeedsAsync(request, pending, lint, 1.0, async ct =>
        {
            using (var pooled = new NpgsqlConnection(copyConnectionString)) NpgsqlConnection.ClearPool(pooled);
            return await server.CloneAsync(copy.Database!, ct, whenConnected: TemplateConnections.Terminate);
        }, cancellationToken, onlyRun: copyConnectionString);
        return Report(request, service, pending, lint, startedAt, clock.Elapsed, 0, 1.0, runs) with { Snapshot = snapshot };
    }

    private static async Task<(string Service, List<MigrationPlan> Pending, List<MigrationPlan> Applied, LintContext Lint)> PrepareAsync(
        RehearsalRequest request, ISqlParser? parser, CancellationToken cancellationToken)
    {
        var service = Path.GetFileName(Path.GetFullPath(request.ServiceFolder).TrimEnd('/'));
        var all = request.Plans ?? new ServicePlans(service, request.ServiceFolder, ServicePlans.LoadMigrations(Path.Combine(request.ServiceFolder, "migrations")));
        var selected = all.Select(request.MigrationId);
        var pending = selected.Where(p => !request.AppliedPlans.Contains(p.Id)).ToList();
        var applied = all.Plans.Where(p => request.AppliedPlans.Contains(p.Id)).ToList();
        // The shared rule set first: a statement that does not parse stops the rehearsal before any database exists.
        var settings = LintSettings.Load(request.ServiceFolder);
        var lint = new LintContext(settings, request.Profile, await new Linter(parser ?? new PgQueryParser()).LintAsync(pending, settings, request.Profile, cancellationToken));
        return (service, pending, applied, lint);
    }

    /// <summary>Each seed's whole run on a database of its own from <paramref name="cloneAsync"/>; with one seed and
    /// <paramref name="onlyRun"/>, on that database itself (a copy too large to clone for nothing).</summary>
    private static async Task<List<SeedRun>> RunSeedsAsync(
        RehearsalRequest request, IReadOnlyList<MigrationPlan> pending, LintContext lint, double scale,
        Func<CancellationToken, Task<EphemeralDatabase>> cloneAsync, CancellationToken cancellationToken, string? onlyRun = null,
        IReadOnlyDictionary<string, TableRows>? tableRows = null, StatementReplay? replay = null)
    {
        var workload = request.Workload ?? new WorkloadOptions();
        // A copy restored from a snapshot holds real rows, so there is nothing to scale per table.
        var rows = tableRows ?? new Dictionary<string, TableRows>(StringComparer.Ordinal);
        var seeds = workload.Seeds(new Random());
        var runs = new List<SeedRun>();
        foreach (var seed in seeds)
        {
            if (onlyRun is not null && seeds.Count == 1)
            {
                var alone = new PostgresRehearsal(onlyRun, scale, workload, lint) { TableRows = rows, Replay = replay };
                var (only, onlyFindings) = await alone.RunAsync(pending, seed, cancellationToken);
                runs.Add(new SeedRun(seed, only, onlyFindings, alone.ReplayRates, alone.SloChecks));
                continue;
            }
            await using var run = await cloneAsync(cancellationToken);
            var rehearsal = new PostgresRehearsal(run.ConnectionString, scale, workload, lint) { TableRows = rows, Replay = replay };
            var (phases, findings) = await rehearsal.RunAsync(pending, seed, cancellationToken);
            runs.Add(new SeedRun(seed, phases, findings, rehearsal.ReplayRates, rehearsal.SloChecks));
        }
        return runs;
    }

    private sealed record SeedRun(int Seed, IReadOnlyList<PhaseRehearsal> Phases, IReadOnlyList<RehearsalFinding> Findings, IReadOnlyList<ReplayRate> Replayed,
        IReadOnlyList<Sluice.Rehearsal.Slo.RehearsalSloCheck> Slos);

    /// <summary>The planner-fidelity figure and the replay's rates, with a finding per plan that differs and one that
    /// fails the rehearsal when the figure is below its minimum.</summary>
    private static RehearsalReport WithTraffic(RehearsalReport report, RehearsalRequest request, StatementReplay? replay, IReadOnlyList<ReplayRate> replayed)
    {
        if (replay is null) return report with { StatementMixMissing = request.Profile.Statements is { Readable: false } missing ? missing.Unreadable : null };
        var findings = new List<RehearsalFinding>(report.Findings);
        var fidelity = replay.Fidelity;
        foreach (var differs in fidelity.Statements.Where(s => !s.Same))
            findings.Add(new RehearsalFinding(FindingSeverity.Warning, "plan-differs", $"statement {differs.Id} ({StatementText.FirstLine(differs.Query)}): {differs.Why}",
                "make the synthetic data's schema and statistics match production's: the same indexes (pipelines/<service>/schema), a fresh profile (ANALYZE)"));
        if (fidelity.Ratio is { } ratio && !fidelity.Met)
            findings.Add(new RehearsalFinding(FindingSeverity.Error, "plan-fidelity",
                $"{fidelity.Same} of {fidelity.Compared} recorded statements plan alike on the synthetic data ({ratio:P0}), below the minimum {fidelity.Minimum:P0}: the rehearsal's timings and locks are not production's",
                "fix the plans that differ (plan-differs), or lower gates.plan_fidelity for this environment"));
        return report with { Findings = findings, Fidelity = fidelity, Replay = replayed };
    }

    private static RehearsalReport Report(RehearsalRequest request, string service, IReadOnlyList<MigrationPlan> pending, LintContext lint,
        DateTimeOffset startedAt, TimeSpan elapsed, long syntheticRows, double scale, List<SeedRun> runs) =>
        new(service, request.Environment, [.. pending.Select(p => new PlanHash(p.Id, p.Hash))], startedAt, elapsed,
            syntheticRows, scale, runs[0].Phases, [.. SeededRuns.Merge([.. runs.Select(r => (r.Seed, r.Findings))]), .. lint.AsRehearsalFindings(id => Path.GetFileName(pending.Single(p => p.Id == id).Folder))],
            [.. runs.Select(r => r.Seed)]) { Slos = runs[0].Slos };

    /// <summary>The copy's journal has done exactly <paramref name="applied"/>: a copy behind the environment (a release
    /// since the snapshot) or ahead of it (a rollback since) would rehearse plans on a schema they will never meet
    /// (<c>SLU263</c>).</summary>
    public static async Task EnsureSameJournalAsync(string environment, IReadOnlySet<string> applied, string copyConnectionString, RehearsalSnapshot snapshot,
        CancellationToken cancellationToken)
    {
        HashSet<string> done;
        await using (var copy = new PostgresMigrationDatabase(copyConnectionString))
        {
            await copy.Providers.Journal.EnsureAsync(cancellationToken);
            done = (await copy.Providers.Journal.ReadAllAsync(0, cancellationToken))
                .Where(p => p.Plan.Status == JournalStatus.Done).Select(p => p.Plan.PlanId).ToHashSet(StringComparer.Ordinal);
        }
        var missing = applied.Where(p => !done.Contains(p)).Order(StringComparer.Ordinal).ToList();
        var extra = done.Where(p => !applied.Contains(p)).Order(StringComparer.Ordinal).ToList();
        if (missing.Count == 0 && extra.Count == 0) return;
        var says = string.Join("; ", new[]
        {
            missing.Count > 0 ? $"{environment} has done {string.Join(", ", missing)} since it was taken" : null,
            extra.Count > 0 ? $"it holds {string.Join(", ", extra)} done, which {environment} no longer has (a rollback since)" : null,
        }.Where(t => t is not null));
        throw new SluiceException(ErrorKind.Failure, ErrorCodes.CopyJournalBehind,
            $"{snapshot.Describe()} is not where {environment} is: {says}; the copy was deleted",
            $"take a new snapshot and verify it (./build.sh Snapshot --env {environment}, then VerifySnapshot), then rehearse on it");
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
