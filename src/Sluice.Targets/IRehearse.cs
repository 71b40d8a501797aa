using Npgsql;
using Sluice.Build;
using Sluice.Errors;
using Sluice.Migrations.Journal;
using Sluice.Migrations.Plans;
using Sluice.Postgres.Clusters;
using Sluice.Postgres.Databases;
using Sluice.Postgres.Migrations;
using Sluice.Postgres.Rehearsal;
using Sluice.Postgres.Secrets;
using Sluice.Rehearsal.Profiles;
using Sluice.Rehearsal.Runs;

namespace Sluice.Targets;

/// <summary>
/// <c>Rehearse</c> runs the environment's pending plans in an ephemeral database holding the schema at the
/// environment's version and synthetic data that follows its profile: each phase forward under lock observation,
/// verify, again (idempotence), back in reverse (reversibility) and forward again. Reports go to
/// <c>.sluice/reports/</c>, evidence to the environment's journal; an error finding fails the target (exit 1).
/// </summary>
public interface IRehearse : IProfile
{
    [Parameter("Rehearse: synthetic rows relative to the profile (default 1.0, capped by a 10M-row budget)")]
    double? Scale => this.Parameter<double?>();

    [Parameter("Rehearse: how many seeded workloads to rehearse under, each a whole run (default 3)")]
    int? WorkloadRuns => this.Parameter<int?>();

    [Parameter("Rehearse: replay the one workload of this seed (every report prints its seeds)")]
    int? WorkloadSeed => this.Parameter<int?>();

    Target Rehearse => _ => _
        .Description("Rehearses pending migrations on synthetic data (--data-profile FILE, --scale X, --migration ID, --workload-seed N)")
        .Environment()
        .Validates(_ =>
        {
            ServicePlans.Load(Path.Combine(Root, Pipelines), Service);
            return Task.CompletedTask;
        })
        .Executes(async ct =>
        {
            var plans = ServicePlans.Load(Path.Combine(Root, Pipelines), Service);
            var connectionString = await EnvironmentAccess.ConnectionStringAsync(this, ct);
            var profilePath = RehearsalPaths.Profile(this, plans.ServiceFolder, DataProfile);
            DataProfile profile;
            if (File.Exists(profilePath)) profile = await ProfileFile.ReadAsync(profilePath, ct);
            else
            {
                // No profile yet: the environment's own statistics (masked the same way) are the next best thing.
                Host.Warning($"no data profile at {Path.GetRelativePath(Root, profilePath)}; profiling {Env} now (run Profile to keep one)");
                profile = await PostgresProfiler.ReadAsync(connectionString,
                    new ProfileOptions(Env, await SensitiveColumns.LoadAsync(plans.ServiceFolder, ct)), ct);
            }

            if (profile.TotalRows == 0)
                Host.Warning($"the profile of {profile.Source} holds no rows: this rehearsal checks the phases on empty tables only (locks, idempotence, reversibility), not their durations");

            await using var journal = new PostgresMigrationDatabase(connectionString, redactor: this.Redactor());
            await journal.Providers.Journal.EnsureAsync(ct);
            var applied = (await journal.Providers.Journal.ReadAllAsync(0, ct))
                .Where(p => p.Plan.Status == JournalStatus.Done).Select(p => p.Plan.PlanId).ToHashSet(StringComparer.Ordinal);
            var migration = this is IMigrate m ? m.Migration : null;

            await using var scratch = await RehearsalCluster.ForAsync(connectionString, plans.Plans.Any(p => p.Phases.Any(ph => ph.ClusterStatements)), ct);
            var report = await new PostgresRehearsalService(scratch.Databases, scratch.Throwaway).RehearseAsync(
                new RehearsalRequest(plans.ServiceFolder, Env, profile, applied, migration, new SyntheticOptions(Scale ?? 1.0),
                    new WorkloadOptions(WorkloadRuns ?? 3, WorkloadSeed)), ct);
            Host.Info($"workload seeds: {string.Join(", ", report.Seeds ?? [])} (replay one with --workload-seed N)");

            var files = await RehearsalReportFiles.WriteAsync(report, RehearsalPaths.Reports(this), this.Redactor(), ct);
            var evidence = ConnectionSecrets.Redactor(connectionString, this.Redactor()).Redact(RehearsalReportFiles.ToJson(report));
            await PostgresRehearsalEvidence.RecordAsync(connectionString, report, evidence, ct);
            foreach (var phase in report.Phases)
                Host.Info($"{phase.Plan}/{phase.Phase}: {phase.Duration.TotalMilliseconds:F0} ms here, ~{phase.PredictedDuration.TotalSeconds:F1} s predicted, locks: {string.Join(", ", phase.Locks.Select(l => $"{l.Mode} {l.Table}"))}");
            foreach (var finding in report.Findings.Where(f => f.Severity != FindingSeverity.Info))
            {
                var line = $"{finding.Rule}{(finding.Where.Length > 0 ? $" ({finding.Where})" : "")}: {finding.Message}";
                if (finding.Severity == FindingSeverity.Error) Host.Error(line); else Host.Warning(line);
            }
            Host.Info($"report: {string.Join(", ", files.Select(f => Path.GetRelativePath(Root, f)))}");
            // On a pull request the reviewer reads the rehearsal where CI shows the run (the step summary).
            Host.AppendSummary(RehearsalReportFiles.ToMarkdown(report));
            if (!report.Passed)
            {
                var first = report.Findings.First(f => f.Severity == FindingSeverity.Error);
                throw new SluiceException(ErrorKind.Failure, ErrorCodes.RehearsalFailed,
                    $"the rehearsal found {report.Findings.Count(f => f.Severity == FindingSeverity.Error)} error(s); first: {first.Rule}: {first.Message}",
                    first.Remedy ?? "see the report under .sluice/reports/", first.File, first.Line);
            }
        });
}

/// <summary>
/// Where the rehearsal's ephemeral database lives: beside the environment when that is a cluster on this machine
/// (loopback or a unix socket), under a role that can reach nothing else; otherwise, or when a plan declares
/// cluster statements (databases, roles, ALTER SYSTEM), on a throwaway cluster started for the rehearsal, never on a
/// shared server.
/// </summary>
public sealed class RehearsalCluster : IAsyncDisposable
{
    private readonly LocalCluster? _cluster;

    private RehearsalCluster(EphemeralDatabases databases, LocalCluster? cluster)
    {
        Databases = databases;
        _cluster = cluster;
    }

    public EphemeralDatabases Databases { get; }

    /// <summary>True when the server is one started for this rehearsal alone.</summary>
    public bool Throwaway => _cluster is not null;

    public static async Task<RehearsalCluster> ForAsync(string environmentConnectionString, bool clusterStatements, CancellationToken cancellationToken)
    {
        var host = new NpgsqlConnectionStringBuilder(environmentConnectionString).Host ?? "";
        if (!clusterStatements && (host.StartsWith('/') || host is "localhost" or "127.0.0.1" or "::1"))
            return new(new EphemeralDatabases(new NpgsqlConnectionStringBuilder(environmentConnectionString) { Database = "postgres" }.ConnectionString), null);
        var cluster = await LocalCluster.StartEphemeralAsync(await PostgresToolchain.DetectAsync(cancellationToken), cancellationToken);
        return new(new EphemeralDatabases(cluster.ConnectionString()), cluster);
    }

    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null) await _cluster.DisposeAsync();
    }
}
