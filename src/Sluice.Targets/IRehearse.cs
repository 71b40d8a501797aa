using Sluice.Build;
using Sluice.Environments;
using Sluice.Errors;
using Sluice.Gates;
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

    [Parameter("Rehearse: rehearse even when the journal holds fresh passing evidence for every pending plan's hash")]
    bool RehearseAgain => this.Parameter<bool>();

    [Parameter("Rehearse: rehearse on a throwaway copy restored from this environment's verified snapshot (an id, or latest) instead of synthetic data; the copy is deleted afterwards (docs/cloud.md)")]
    string? FromSnapshot => this.Parameter<string>();

    Target Rehearse => _ => _
        .Description("Rehearses pending migrations on synthetic data (--data-profile FILE, --scale X, --migration ID, --workload-seed N), or on a restored copy (--from-snapshot ID|latest)")
        .Environment()
        .Validates(CheckServiceAsync)
        .Validates(CheckFromSnapshotAsync)
        .Executes(async ct =>
        {
            var plans = Session.Plans;
            if (FromSnapshot is { } snapshot)
            {
                // Asked for by name: real data is rehearsed even where synthetic evidence is fresh.
                await ReportAsync(await Session.Rehearsals.RehearseOnSnapshotAsync(
                    new SnapshotRehearsalSettings(snapshot, this is IMigrate mig ? mig.Migration : null, WorkloadRuns ?? 1, WorkloadSeed), ct), ct);
                return;
            }
            if (!RehearseAgain && await FreshEvidenceAsync(ct) is { } fresh)
            {
                Host.Info($"rehearsal skipped: {fresh} (--rehearse-again rehearses anyway)");
                return;
            }
            DataProfile profile;
            if (RehearsalPaths.RehearsalProfile(this, plans.ServiceFolder, DataProfile) is { } profilePath)
            {
                profile = await ProfileFile.ReadAsync(profilePath, ct);
                Host.Info($"synthetic data follows the profile of {profile.Source} ({Path.GetRelativePath(Root, profilePath)}: {profile.TotalRows:N0} rows)");
            }
            else
            {
                // No profile yet: the environment's own statistics (masked the same way) are the next best thing.
                Host.Warning($"no data profile at {Path.GetRelativePath(Root, RehearsalPaths.Profile(this, plans.ServiceFolder, null))}; profiling {Env} now (run Profile to keep one)");
                profile = await Session.Rehearsals.ProfileAsync(await SensitiveColumns.LoadAsync(plans.ServiceFolder, ct), ct);
            }

            if (profile.TotalRows == 0)
                Host.Warning($"the profile of {profile.Source} holds no rows: this rehearsal checks the phases on empty tables only (locks, idempotence, reversibility), not their durations");

            var migration = this is IMigrate m ? m.Migration : null;
            await ReportAsync(await Session.Rehearsals.RehearseAsync(new RehearsalSettings(profile, migration, Scale ?? 1.0, WorkloadRuns ?? 3, WorkloadSeed), ct), ct);
        });

    /// <summary>The report's files, the evidence, the console and the step summary; an error finding fails the target.</summary>
    private async Task ReportAsync(RehearsalReport report, CancellationToken ct)
    {
        if (report.Snapshot is { } from) Host.Info($"rehearsed on a copy restored from {from.Describe()}; the copy is deleted");
        Host.Info($"workload seeds: {string.Join(", ", report.Seeds ?? [])} (replay one with --workload-seed N)");

        var files = await RehearsalReportFiles.WriteAsync(report, RehearsalPaths.Reports(this), this.Redactor(), ct);
        await Session.Rehearsals.RecordEvidenceAsync(report, RehearsalReportFiles.ToJson(report), ct);
        foreach (var phase in report.Phases)
            Host.Info($"{phase.Plan}/{phase.Phase}: {phase.Duration.TotalMilliseconds:F0} ms here, ~{phase.PredictedDuration.TotalSeconds:F1} s predicted, locks: {string.Join(", ", phase.Locks.Select(l => $"{l.Mode} {l.Table}"))}");
        foreach (var finding in report.Findings.Where(f => f.Severity != FindingSeverity.Info))
        {
            var line = $"{finding.Rule}{(finding.Where.Length > 0 ? $" ({finding.Where})" : "")}: {finding.Message}";
            if (finding.Severity == FindingSeverity.Error) Host.Error(line); else Host.Warning(line);
        }
        Host.Info($"report: {string.Join(", ", files.Select(f => Path.GetRelativePath(Root, f)))}");
        if (report.Passed) Host.Info($"rehearsal evidence recorded in {Env}'s journal for {string.Join(", ", report.Phases.Select(p => p.Plan).Distinct())}");
        // On a pull request the reviewer reads the rehearsal where CI shows the run (the step summary).
        Host.AppendSummary(RehearsalReportFiles.ToMarkdown(report));
        if (!report.Passed)
        {
            var first = report.Findings.First(f => f.Severity == FindingSeverity.Error);
            throw new SluiceException(ErrorKind.Failure, ErrorCodes.RehearsalFailed,
                $"the rehearsal found {report.Findings.Count(f => f.Severity == FindingSeverity.Error)} error(s); first: {first.Rule}: {first.Message}",
                first.Remedy ?? "see the report under .sluice/reports/", first.File, first.Line);
        }
    }

    /// <summary><c>--from-snapshot</c> rehearses on the snapshot's data: options that shape synthetic data contradict it
    /// (<c>SLU264</c>, exit 2, before anything runs).</summary>
    private Task CheckFromSnapshotAsync(CancellationToken cancellationToken)
    {
        if (FromSnapshot is null) return Task.CompletedTask;
        var synthetic = new[] { DataProfile is null ? null : "--data-profile", Scale is null ? null : "--scale" }.Where(o => o is not null).ToList();
        if (synthetic.Count > 0)
            throw SluiceException.Usage(ErrorCodes.SnapshotRehearsalSyntheticOption,
                $"--from-snapshot rehearses on the snapshot's real data; {string.Join(" and ", synthetic)} shape synthetic data",
                "drop them, or drop --from-snapshot to rehearse on synthetic data");
        if (string.IsNullOrWhiteSpace(FromSnapshot))
            throw SluiceException.Usage(ErrorCodes.CopyRehearsalNotAllowed, "--from-snapshot needs a snapshot id or latest", "e.g. --from-snapshot latest");
        return Task.CompletedTask;
    }

    /// <summary>What makes a rehearsal needless: the rehearsal gate passes for the pending plans (each rehearsed at its
    /// exact hash within the environment's <c>rehearsal_max_age</c>), or nothing is pending. Null when one must run.</summary>
    private async Task<string?> FreshEvidenceAsync(CancellationToken cancellationToken)
    {
        var pending = await Session.Releases.PendingAsync(Session.Migration(this is IMigrate m ? m.Migration : null), cancellationToken);
        if (pending.Count == 0) return $"nothing pending on {Env}";
        var spec = SessionRequest.EffectiveSpec;
        var gate = new RehearsalGate(Session.Gates.Rehearsals, GateSettings.Read(spec.Gates, SessionRequest.SpecFile).RehearsalMaxAge, blocking: true);
        var result = await gate.EvaluateAsync(new GateContext(Env, spec, pending, DateTimeOffset.UtcNow), cancellationToken);
        return result.Verdict == GateVerdict.Pass ? $"{Env}'s journal holds the evidence: {result.Evidence}" : null;
    }
}
