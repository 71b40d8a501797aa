using System.Text.RegularExpressions;
using Sluice.Errors;
using Sluice.Migrations.Plans;

namespace Sluice.Gates;

public enum HintSeverity
{
    Warning,
    Error,
}

/// <summary>A finding of static analysis in a plan's SQL: an error blocks a release, a warning is shown.</summary>
/// <param name="File">The SQL file, relative to the plan folder.</param>
/// <param name="Line">The line of the statement in <paramref name="File"/>, when the finding is about one statement.</param>
public sealed record PlanHint(string PlanId, string Phase, HintSeverity Severity, string Message, string File, int? Line = null)
{
    /// <summary><c>05_drop.up.sql:3</c>, or the file alone.</summary>
    public string Location => Line is { } line ? $"{File}:{line}" : File;
}

/// <summary>Static analysis of plans before they run.</summary>
public interface IPlanHintSource
{
    Task<IReadOnlyList<PlanHint>> ReadAsync(IReadOnlyList<MigrationPlan> plans, CancellationToken cancellationToken);
}

/// <summary>
/// Sluice's own checks of a phase's <c>up</c> for what breaks the expand/contract discipline or locks a busy table:
/// removals in an expand phase (old code still reads them), a NOT NULL column added without a default (fails on
/// existing rows or rewrites), an index built without CONCURRENTLY or a column type changed (long exclusive locks),
/// and a statement that destroys data its phase's down cannot bring back while the phase is not marked irreversible
/// (<see cref="DataChanges"/>; an irreversible phase then needs a verified snapshot, see <see cref="GatePolicy"/>).
/// Comments and dollar-quoted bodies are ignored; the checks are deliberately simple and name what they saw.
/// </summary>
public sealed partial class BuiltInPlanHints : IPlanHintSource
{
    public Task<IReadOnlyList<PlanHint>> ReadAsync(IReadOnlyList<MigrationPlan> plans, CancellationToken cancellationToken)
    {
        var hints = new List<PlanHint>();
        foreach (var plan in plans)
        {
            foreach (var change in DataChanges.Of(plan).Where(c => !c.Phase.Irreversible && !DataChanges.RestoredByDown(c)))
                hints.Add(new PlanHint(plan.Id, change.Phase.Name, HintSeverity.Error,
                    $"'{change.What}' destroys data that {(change.Phase.Down is { } down ? $"its down ({down.FileName}) does not bring back" : "no down brings back")}"
                    + $" [{ErrorCodes.DataNotRestorable}]: mark phase '{change.Phase.Name}' 'irreversible: true' (Promote then requires a verified snapshot), or make its down {change.Restore}",
                    change.Statement.Script.FileName, change.Statement.Line));
            foreach (var phase in plan.Phases)
            {
                if (phase is not ScriptPhase { Up: var up }) continue;
                var sql = Comments().Replace(up.Sql, " ");
                void Add(HintSeverity severity, string message) => hints.Add(new PlanHint(plan.Id, phase.Name, severity, message, up.FileName));
                if (phase.Kind == PhaseKind.Expand && Removal().Match(sql) is { Success: true } removal)
                    Add(HintSeverity.Error, $"'{Squash(removal.Value)}' in an expand phase: the old code still reads it; move it to a contract phase");
                if (NotNullWithoutDefault().Match(sql) is { Success: true } notNull && !notNull.Value.Contains("DEFAULT", StringComparison.OrdinalIgnoreCase))
                    Add(HintSeverity.Error, $"'{Squash(notNull.Value)}' fails on existing rows: add it nullable, backfill, then set NOT NULL");
                if (BlockingIndex().Match(sql) is { Success: true } index)
                    Add(HintSeverity.Warning, $"'{Squash(index.Value)}' blocks writes while it builds: use CREATE INDEX CONCURRENTLY in a non-transactional phase");
                if (TypeChange().Match(sql) is { Success: true } type)
                    Add(HintSeverity.Warning, $"'{Squash(type.Value)}' may rewrite the table under an exclusive lock: add a new column and backfill instead");
            }
        }
        return Task.FromResult<IReadOnlyList<PlanHint>>(hints);
    }

    private static string Squash(string sql) => Whitespace().Replace(sql.Trim(), " ");

    // Comments and dollar-quoted bodies (functions, DO blocks: their statements run conditionally) are left out.
    [GeneratedRegex(@"--[^\n]*|/\*.*?\*/|\$(\w*)\$.*?\$\1\$", RegexOptions.Singleline)]
    private static partial Regex Comments();

    [GeneratedRegex(@"\bDROP\s+(TABLE|COLUMN|VIEW|INDEX|SCHEMA)\b(\s+IF\s+EXISTS)?\s+[\w.""]+|\bALTER\s+TABLE\s+[\w.""]+\s+DROP\s+(COLUMN\s+)?(IF\s+EXISTS\s+)?(?!CONSTRAINT\b)[\w""]+|\bRENAME\b", RegexOptions.IgnoreCase)]
    private static partial Regex Removal();

    [GeneratedRegex(@"\bADD\s+COLUMN\s+(IF\s+NOT\s+EXISTS\s+)?[\w""]+\s+[^,;]*?\bNOT\s+NULL\b[^,;]*", RegexOptions.IgnoreCase)]
    private static partial Regex NotNullWithoutDefault();

    [GeneratedRegex(@"\bCREATE\s+(UNIQUE\s+)?INDEX\s+(?!CONCURRENTLY\b)[^;]*", RegexOptions.IgnoreCase)]
    private static partial Regex BlockingIndex();

    [GeneratedRegex(@"\bALTER\s+COLUMN\s+[\w""]+\s+(SET\s+DATA\s+)?TYPE\b[^,;]*", RegexOptions.IgnoreCase)]
    private static partial Regex TypeChange();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
