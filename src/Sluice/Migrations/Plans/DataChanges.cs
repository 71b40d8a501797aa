namespace Sluice.Migrations.Plans;

/// <summary>A statement of a phase that drops or overwrites data that existed before the plan ran.</summary>
/// <param name="Phase">The phase whose work (its up, or its backfill batch) holds the statement.</param>
/// <param name="Statement">The statement, with its file and line.</param>
/// <param name="Target">What it destroys.</param>
/// <param name="What">Readable: <c>DROP COLUMN customers.full_name</c>.</param>
/// <param name="Restore">What a down must do to bring the data back, for the remedy.</param>
public sealed record DataChange(MigrationPhase Phase, ScriptStatement Statement, StatementTarget Target, string What, string Restore);

/// <summary>
/// Which statements of a plan destroy data, and whether the phase's <c>down</c> can bring that data back. Decided
/// conservatively from the statements' targets (<see cref="StatementTargets"/>): a down restores only when it
/// re-creates the structure and repopulates it from something. Data the plan itself created (a table it created, a
/// column it added, in an earlier phase or earlier in the same script) is not "data that existed before".
/// <code>
/// #  statement in a phase's up or batch              destroys data when                   restored by a down that
/// 1  DROP TABLE t                                    t was not created by the plan        CREATE TABLE t and INSERT INTO t
/// 2  TRUNCATE t, DELETE FROM t                       t was not created by the plan        INSERT INTO t
/// 3  ALTER TABLE t DROP COLUMN c                     t.c was not added by the plan        ADD COLUMN c to t, and UPDATE t SET c or INSERT INTO t
/// 4  ALTER TABLE t ALTER COLUMN c TYPE x             x may narrow (not a widening type)   UPDATE t SET c or INSERT INTO t
/// 5  UPDATE t SET c                                  t.c was not added by the plan        UPDATE t SET c or INSERT INTO t
/// 6  anything else                                   never                                -
/// </code>
/// A bare ADD COLUMN restores the structure, not the values: rule 3 then says the data is lost.
/// </summary>
public static class DataChanges
{
    // Types every value of a narrower type converts to and back without loss (no length, precision or range limit).
    private static readonly HashSet<string> WideningTypes =
        ["text", "varchar", "character varying", "bigint", "int8", "numeric", "decimal", "double precision", "float8", "jsonb"];

    /// <summary>Every destructive statement of the plan, phase by phase (rules 1-5).</summary>
    public static IReadOnlyList<DataChange> Of(MigrationPlan plan)
    {
        var created = new HashSet<string>(StringComparer.Ordinal);
        var added = new HashSet<(string, string)>();
        var changes = new List<DataChange>();
        foreach (var phase in plan.Phases)
            foreach (var statement in Work(phase).SelectMany(StatementTargets.Read))
                foreach (var target in statement.Targets)
                {
                    if (Destroys(target, created, added) is { } found)
                        changes.Add(new DataChange(phase, statement, target, found.What, found.Restore));
                    if (target.Action == TargetAction.CreateTable) created.Add(target.Table);
                    if (target.Action == TargetAction.AddColumn) added.Add((target.Table, target.Column!));
                }
        return changes;
    }

    /// <summary>The phase before which a rollback's data baseline is taken: the first contract, or the first phase with
    /// a destructive statement or a DO block; null when the plan has none.</summary>
    public static MigrationPhase? FirstDestructivePhase(MigrationPlan plan)
    {
        var destructive = Of(plan).Select(c => c.Phase).ToHashSet();
        return plan.Phases.FirstOrDefault(p => p.Kind == PhaseKind.Contract || destructive.Contains(p) || RunsCode(p));
    }

    // A DO block's statements cannot be read from its text (they run conditionally): it may change data.
    private static bool RunsCode(MigrationPhase phase) =>
        Work(phase).SelectMany(StatementTargets.Read).Any(s => s.Head.StartsWith("DO ", StringComparison.OrdinalIgnoreCase) || s.Head.StartsWith("DO$", StringComparison.OrdinalIgnoreCase));

    /// <summary>Whether the phase's down brings back what <paramref name="change"/> destroys (the last column of the table).</summary>
    public static bool RestoredByDown(DataChange change)
    {
        if (change.Phase.Down is not { } down) return false;
        var undo = StatementTargets.Read(down).SelectMany(s => s.Targets).Where(t => t.Table == change.Target.Table).ToList();
        bool Has(TargetAction action, string? column = null) =>
            undo.Any(t => t.Action == action && (column is null || t.Column == column));
        var column = change.Target.Column;
        var repopulates = Has(TargetAction.Insert) || (column is not null && Has(TargetAction.Update, column));
        return change.Target.Action switch
        {
            TargetAction.DropTable => Has(TargetAction.CreateTable) && Has(TargetAction.Insert),
            TargetAction.Truncate or TargetAction.Delete => Has(TargetAction.Insert),
            TargetAction.DropColumn => Has(TargetAction.AddColumn, column) && repopulates,
            _ => repopulates,
        };
    }

    private static (string What, string Restore)? Destroys(StatementTarget target, HashSet<string> created, HashSet<(string, string)> added)
    {
        if (created.Contains(target.Table)) return null;
        var column = $"{target.Table}.{target.Column}";
        var ownColumn = target.Column is not null && added.Contains((target.Table, target.Column));
        return target.Action switch
        {
            TargetAction.DropTable => ($"DROP TABLE {target.Table}", $"CREATE TABLE {target.Table} and INSERT its rows back"),
            TargetAction.Truncate => ($"TRUNCATE {target.Table}", $"INSERT INTO {target.Table} the rows it removed"),
            TargetAction.Delete => ($"DELETE FROM {target.Table}", $"INSERT INTO {target.Table} the rows it removed"),
            TargetAction.DropColumn when !ownColumn => ($"DROP COLUMN {column}", $"ADD COLUMN {target.Column} and UPDATE {target.Table} SET {target.Column} = ... from what still holds its values"),
            TargetAction.AlterColumnType when !WideningTypes.Contains(target.Type!) && !ownColumn =>
                ($"ALTER COLUMN {column} TYPE {target.Type}", $"UPDATE {target.Table} SET {target.Column} = ... from a copy of its old values"),
            TargetAction.Update when target.Column is not null && !ownColumn =>
                ($"UPDATE {target.Table} SET {target.Column}", $"UPDATE {target.Table} SET {target.Column} = ... back to its old values"),
            _ => null,
        };
    }

    private static IEnumerable<PlanScript> Work(MigrationPhase phase)
    {
        yield return phase switch
        {
            ScriptPhase script => script.Up,
            BackfillPhase backfill => backfill.Backfill.Batch,
            _ => throw new ArgumentOutOfRangeException(nameof(phase), phase.GetType().Name, "a phase is a script or a backfill"),
        };
    }
}
