namespace Sluice.Rehearsal.Runs;

/// <summary>
/// One list of findings from rehearsals of the same plans under workloads of different seeds: the first run's
/// findings as they are; a later run's findings the first did not have (by rule, plan, phase, file and line), with
/// their seed; and, when two runs' errors differ, a <c>workload-dependent</c> warning naming both seeds, since the
/// outcome then depends on what the application wrote while the phases ran.
/// </summary>
public static class SeededRuns
{
    public static IReadOnlyList<RehearsalFinding> Merge(IReadOnlyList<(int Seed, IReadOnlyList<RehearsalFinding> Findings)> runs)
    {
        if (runs.Count == 0) return [];
        var (firstSeed, first) = runs[0];
        var merged = new List<RehearsalFinding>(first);
        var known = first.Select(Key).ToHashSet();
        foreach (var (seed, findings) in runs.Skip(1))
        {
            merged.AddRange(findings.Where(f => f.Severity != FindingSeverity.Info && known.Add(Key(f))));
            var (before, now) = (Errors(first), Errors(findings));
            if (before != now)
                merged.Add(new RehearsalFinding(FindingSeverity.Warning, "workload-dependent",
                    $"the runs disagree: under seed {firstSeed}: {before}; under seed {seed}: {now}. The outcome depends on what the application wrote while the phases ran",
                    "replay each run with --workload-seed and make the phases (and their downs) right whatever is written meanwhile", Seed: seed));
        }
        return merged;
    }

    private static (string, string?, string?, string?, int?) Key(RehearsalFinding f) => (f.Rule, f.Plan, f.Phase, f.File, f.Line);

    private static string Errors(IEnumerable<RehearsalFinding> findings)
    {
        var errors = findings.Where(f => f.Severity == FindingSeverity.Error).Select(f => $"{f.Rule} in {f.Phase}").Distinct().Order(StringComparer.Ordinal).ToList();
        return errors.Count == 0 ? "no error" : string.Join(", ", errors);
    }
}
