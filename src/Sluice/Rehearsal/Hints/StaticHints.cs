using System.Text.RegularExpressions;
using Sluice.Migrations.Plans;
using Sluice.Migrations.Running;
using Sluice.Rehearsal.Runs;

namespace Sluice.Rehearsal.Hints;

/// <summary>
/// Reads a plan's SQL without running it and points at statements that are known to lock or rewrite in production,
/// each with the safe recipe. Hints are warnings: the rehearsal's measurements decide pass or fail.
/// </summary>
public static partial class StaticHints
{
    private sealed record Rule(string Name, Regex Pattern, string Message, string Remedy, Func<MigrationPhase, string, bool>? Applies = null);

    private static readonly Rule[] Rules =
    [
        new("index-not-concurrent", LockRemedies.ById("R6").Matches, "CREATE INDEX without CONCURRENTLY blocks writes to the table while the index builds",
            LockRemedies.ById("R6").Remedy),
        new("volatile-default", VolatileDefault(), "a column added with a volatile default rewrites the whole table under an exclusive lock",
            LockRemedies.ById("R8").Remedy),
        new("set-not-null", LockRemedies.ById("R9").Matches, "SET NOT NULL scans the whole table under an exclusive lock unless a validated CHECK (col IS NOT NULL) exists",
            LockRemedies.ById("R9").Remedy,
            (_, sql) => !sql.Contains("VALIDATE CONSTRAINT", StringComparison.OrdinalIgnoreCase)),
        new("constraint-not-valid", LockRemedies.ById("R7").Matches, "adding a foreign key or check without NOT VALID scans the table while it holds a lock that blocks writes",
            LockRemedies.ById("R7").Remedy),
        new("type-change", LockRemedies.ById("R1").Matches, "ALTER COLUMN ... TYPE rewrites the table (and its indexes) under an exclusive lock for most type changes",
            LockRemedies.ById("R1").Remedy),
        new("rename", Rename(), "a rename breaks every running client that uses the old name",
            "add the new name beside the old (a new column kept in step, or a view), switch clients, remove the old in a contract phase"),
        new("drop-outside-contract", Drop(), "dropping a column or table outside a contract phase breaks clients that still read it",
            "move the DROP into a contract phase after the switch",
            (phase, _) => phase.Kind != PhaseKind.Contract),
    ];

    public static IReadOnlyList<RehearsalFinding> Check(MigrationPlan plan)
    {
        var findings = new List<RehearsalFinding>();
        var planYaml = File.Exists(plan.PlanFile) ? File.ReadAllLines(plan.PlanFile) : [];
        var folder = Path.GetFileName(plan.Folder);
        foreach (var phase in plan.Phases)
        {
            if (phase is not ScriptPhase { Up: var up }) continue;
            var ddl = false;
            foreach (var statement in SqlStatements.Split(up.Sql))
            {
                var code = Comments().Replace(statement, " ");
                ddl |= Ddl().IsMatch(code);
                foreach (var rule in Rules.Where(r => r.Pattern.IsMatch(code) && (r.Applies?.Invoke(phase, up.Sql) ?? true)))
                    findings.Add(new RehearsalFinding(FindingSeverity.Warning, rule.Name, rule.Message, rule.Remedy, plan.Id, phase.Name,
                        Path.Combine(folder, up.FileName), StatementText.LineOf(up.Sql, statement), StatementText.FirstLine(statement)));
            }
            if (ddl && !PhaseSetsLockTimeout(planYaml, plan, phase))
                findings.Add(new RehearsalFinding(FindingSeverity.Info, "missing-lock-timeout",
                    $"phase {phase.Name} changes the schema and relies on the default lock_timeout ({MigrationPhase.DefaultLockTimeout.TotalSeconds:F0}s)",
                    "set lock_timeout (and retries) on the phase so a long-running query makes it wait briefly and retry instead of queueing every other session behind it",
                    plan.Id, phase.Name, Path.Combine(folder, "plan.yaml"), phase.Line));
        }
        return findings;
    }

    // The phase's block in plan.yaml runs from its line to the next phase's.
    private static bool PhaseSetsLockTimeout(string[] planYaml, MigrationPlan plan, MigrationPhase phase)
    {
        var next = plan.Phases.SkipWhile(p => p != phase).Skip(1).FirstOrDefault()?.Line ?? planYaml.Length + 1;
        return planYaml.Skip(phase.Line - 1).Take(next - phase.Line).Any(l => l.TrimStart().StartsWith("lock_timeout:", StringComparison.Ordinal));
    }

    [GeneratedRegex(@"--[^\n]*")]
    private static partial Regex Comments();

    [GeneratedRegex(@"^\s*(ALTER|CREATE|DROP)\s", RegexOptions.IgnoreCase)]
    private static partial Regex Ddl();

    [GeneratedRegex(@"\bADD\s+(COLUMN\s+)?[^;]*\bDEFAULT\s+[^;,]*\b(random|clock_timestamp|timeofday|gen_random_uuid|uuid_generate_v\d|nextval)\s*\(", RegexOptions.IgnoreCase)]
    private static partial Regex VolatileDefault();

    [GeneratedRegex(@"\bRENAME\s+(COLUMN\s+\S+\s+)?TO\b|\bRENAME\s+\S+\s+TO\b", RegexOptions.IgnoreCase)]
    private static partial Regex Rename();

    [GeneratedRegex(@"\bDROP\s+(COLUMN|TABLE)\b", RegexOptions.IgnoreCase)]
    private static partial Regex Drop();
}
