using System.Text.Json;
using System.Text.RegularExpressions;
using Sluice.Errors;
using Sluice.Rehearsal.Runs;

namespace Sluice.Lint.Rules;

/// <summary>The rules of <see cref="LintRules"/> about locks and rewrites (rows 1-8, 10-13), each recipe written for the statement it names.</summary>
public static partial class LockRules
{
    private const string NonTransactional = "in a phase with transactional: false";

    // Functions whose value is fixed for the statement (stable or immutable): a default of these is stored once, not per row.
    private static readonly HashSet<string> StableFunctions =
        ["now", "transaction_timestamp", "statement_timestamp", "current_setting", "lower", "upper", "length", "concat", "to_jsonb", "jsonb_build_object", "make_date", "make_interval"];

    public static IEnumerable<LintHit> Check(StatementContext c)
    {
        var node = c.Statement.Node;
        var text = c.Statement.Text;
        switch (c.Statement.Kind)
        {
            case "IndexStmt" when !node.Flag("concurrent") && node.Field("relation") is { } relation && !c.IsNew(relation.Table()):
                yield return new(ErrorCodes.LintIndexBlocksWrites, $"CREATE INDEX on {relation.Table()} without CONCURRENTLY holds ShareLock while it builds: every INSERT, UPDATE and DELETE waits",
                    $"{CreateIndexConcurrently().Replace(text, "CREATE $1INDEX CONCURRENTLY ", 1)} {NonTransactional} (with IF NOT EXISTS, and drop an INVALID leftover before a retry)", relation.Table());
                break;
            case "DropStmt" when node.Str("removeType") == "OBJECT_INDEX" && !node.Flag("concurrent"):
                yield return new(ErrorCodes.LintIndexDropBlocks, "DROP INDEX without CONCURRENTLY takes ACCESS EXCLUSIVE on the index's table: reads and writes wait",
                    $"{DropIndexConcurrently().Replace(text, "DROP INDEX CONCURRENTLY ", 1)} {NonTransactional}");
                break;
            case "ReindexStmt" when !node.List("params").Any(p => p.As("DefElem")?.Str("defname") == "concurrently"):
            {
                var table = node.Str("kind") == "REINDEX_OBJECT_TABLE" && node.Field("relation") is { } r ? r.Table() : null;
                yield return new(ErrorCodes.LintReindexBlocks, "REINDEX without CONCURRENTLY blocks writes to the table, and reads that use the index, while it rebuilds",
                    $"{Reindex().Replace(text, "REINDEX $1$2 CONCURRENTLY ", 1)} {NonTransactional} (it builds the new index beside the old one)", table);
                break;
            }
            case "VacuumStmt" when node.List("options").Any(o => o.As("DefElem")?.Str("defname") == "full"):
                foreach (var rel in node.List("rels").Select(r => r.As("VacuumRelation")?.Field("relation")).OfType<JsonElement>())
                    yield return new(ErrorCodes.LintFullRewrite, $"VACUUM FULL rewrites {rel.Table()} under ACCESS EXCLUSIVE: reads and writes wait for the whole copy",
                        $"pg_repack -t {rel.Table()} (rebuilds online), or copy the rows into a new table in batches and swap the names in one short transaction", rel.Table());
                break;
            case "ClusterStmt" when node.Field("relation") is { } clustered:
                yield return new(ErrorCodes.LintFullRewrite, $"CLUSTER rewrites {clustered.Table()} under ACCESS EXCLUSIVE: reads and writes wait for the whole copy",
                    $"pg_repack -t {clustered.Table()} --order-by ... (reorders online), or copy-and-swap in batches", clustered.Table());
                break;
            case "AlterDomainStmt" when node.Str("subtype") == "C" && node.Field("def")?.As("Constraint") is { } check && !check.Flag("skip_validation"):
            {
                var domain = string.Join('.', node.Names("typeName"));
                var name = check.Str("conname") ?? "the_check";
                yield return new(ErrorCodes.LintDomainCheck, $"ALTER DOMAIN {domain} ADD CONSTRAINT checks every column of type {domain} in every table before it commits",
                    $"{text} NOT VALID; then, in a later phase, ALTER DOMAIN {domain} VALIDATE CONSTRAINT {name}");
                break;
            }
            case "AlterTableStmt" when node.Field("relation") is { } altered && !c.IsNew(altered.Table()):
                foreach (var hit in AlterTable(c, altered.Table(), node)) yield return hit;
                break;
        }
    }

    private static IEnumerable<LintHit> AlterTable(StatementContext c, string table, JsonElement node)
    {
        foreach (var cmd in node.List("cmds").Select(x => x.As("AlterTableCmd")).OfType<JsonElement>())
        {
            var column = cmd.Str("name");
            switch (cmd.Str("subtype"))
            {
                case "AT_DetachPartition" when cmd.Field("def")?.As("PartitionCmd") is { } part && !part.Flag("concurrent"):
                    yield return new(ErrorCodes.LintDetachBlocks, $"DETACH PARTITION without CONCURRENTLY takes ACCESS EXCLUSIVE on {table}: reads and writes of every partition wait",
                        $"ALTER TABLE {table} DETACH PARTITION {part.Field("name")?.Table()} CONCURRENTLY {NonTransactional}", table);
                    break;
                case "AT_AddConstraint" when cmd.Field("def")?.As("Constraint") is { } constraint:
                    if (Constraint(table, constraint) is { } hit) yield return hit;
                    break;
                case "AT_SetNotNull" when !c.Scope.ValidatedTables.Contains(table):
                    yield return new(ErrorCodes.LintSetNotNullScans, $"SET NOT NULL on {table}.{column} scans every row under ACCESS EXCLUSIVE: reads and writes wait",
                        $"ALTER TABLE {table} ADD CONSTRAINT {column}_not_null CHECK ({column} IS NOT NULL) NOT VALID; ALTER TABLE {table} VALIDATE CONSTRAINT {column}_not_null (a later phase); "
                        + $"then ALTER TABLE {table} ALTER COLUMN {column} SET NOT NULL (no scan) and drop the check", table);
                    break;
                // To text, or to an unbounded varchar or numeric, the old type is most often binary coercible: no rewrite, no
                // finding here; the rehearsal sees a real rewrite by the real types and reports it with this rule's code.
                case "AT_AlterColumnType" when cmd.Field("def")?.As("ColumnDef") is { } def && def.Type() is var (type, modified) && (modified || type is not ("text" or "varchar" or "numeric")):
                    yield return new(ErrorCodes.LintColumnType,
                        $"ALTER COLUMN {column} TYPE {type} on {table} rewrites the table and its indexes under ACCESS EXCLUSIVE unless the old type is binary coercible",
                        $"add a column {column}_new {type}, keep it in step with a trigger, backfill it in batches, switch reads, then drop {column} and rename {column}_new in a contract phase",
                        table);
                    break;
                case "AT_AddColumn" when cmd.Field("def")?.As("ColumnDef") is { } added:
                    foreach (var columnHit in AddColumn(table, added)) yield return columnHit;
                    break;
            }
        }
    }

    private static IEnumerable<LintHit> AddColumn(string table, JsonElement column)
    {
        var name = column.Str("colname");
        var (type, _) = column.Type();
        foreach (var constraint in column.Constraints())
        {
            switch (constraint.Str("contype"))
            {
                case "CONSTR_DEFAULT" when Volatile(constraint.Field("raw_expr")) is { } function:
                    yield return new(ErrorCodes.LintVolatileDefault, $"ADD COLUMN {name} DEFAULT {function}(...) on {table}: a volatile default is computed for every row, rewriting the table under ACCESS EXCLUSIVE",
                        $"ALTER TABLE {table} ADD COLUMN {name} {type}; ALTER TABLE {table} ALTER COLUMN {name} SET DEFAULT {function}(...) (new rows); backfill the existing rows in a backfill phase", table);
                    break;
                case "CONSTR_GENERATED":
                    yield return new(ErrorCodes.LintStoredGenerated, $"ADD COLUMN {name} GENERATED ALWAYS AS (...) STORED on {table} computes and stores it for every row, rewriting the table under ACCESS EXCLUSIVE",
                        $"ALTER TABLE {table} ADD COLUMN {name} {type}; a BEFORE INSERT OR UPDATE trigger that computes it; backfill the existing rows in a backfill phase", table);
                    break;
            }
        }
        foreach (var key in column.Constraints().Where(k => k.Str("contype") is "CONSTR_PRIMARY" or "CONSTR_UNIQUE"))
            if (Constraint(table, key, name) is { } keyHit) yield return keyHit;
    }

    private static LintHit? Constraint(string table, JsonElement key, string? column = null)
    {
        var kind = key.Str("contype");
        var name = key.Str("conname");
        if (kind is "CONSTR_PRIMARY" or "CONSTR_UNIQUE" && key.Str("indexname") is null)
        {
            var columns = column ?? string.Join(", ", key.Names("keys"));
            var what = kind == "CONSTR_PRIMARY" ? "PRIMARY KEY" : "UNIQUE";
            var constraint = name ?? $"{table.Split('.')[1]}_{columns.Replace(", ", "_")}_key";
            return new(ErrorCodes.LintKeyWithoutIndex, $"ADD {what} ({columns}) on {table} builds its index under ACCESS EXCLUSIVE: reads and writes wait",
                $"CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS {constraint}_idx ON {table} ({columns}) {NonTransactional}; then ALTER TABLE {table} ADD CONSTRAINT {constraint} {what} USING INDEX {constraint}_idx (instant)", table);
        }
        if (kind is "CONSTR_CHECK" or "CONSTR_FOREIGN" && !key.Flag("skip_validation"))
        {
            var what = kind == "CONSTR_CHECK" ? "CHECK" : $"FOREIGN KEY to {key.Field("pktable")?.Table()}";
            return new(ErrorCodes.LintConstraintValidates, $"ADD {what} on {table} without NOT VALID checks every row while writes{(kind == "CONSTR_FOREIGN" ? " to both tables" : "")} wait",
                $"ALTER TABLE {table} ADD CONSTRAINT {name ?? "..."} ... NOT VALID (instant); then, in a later phase, ALTER TABLE {table} VALIDATE CONSTRAINT {name ?? "..."} (lets reads and writes go on)", table);
        }
        return null;
    }

    /// <summary>The first function of the expression that is not known to be stable: its value differs per row.</summary>
    private static string? Volatile(JsonElement? expression) =>
        expression?.Nodes("FuncCall").Select(f => f.Names("funcname")).Select(n => n.Count == 0 ? "" : n[^1]).FirstOrDefault(n => !StableFunctions.Contains(n));

    [GeneratedRegex(@"^CREATE\s+(UNIQUE\s+)?INDEX\s+", RegexOptions.IgnoreCase)]
    private static partial Regex CreateIndexConcurrently();

    [GeneratedRegex(@"^DROP\s+INDEX\s+", RegexOptions.IgnoreCase)]
    private static partial Regex DropIndexConcurrently();

    [GeneratedRegex(@"^REINDEX\s+(\(.*?\)\s*)?(TABLE|INDEX|SCHEMA|DATABASE|SYSTEM)\s+", RegexOptions.IgnoreCase)]
    private static partial Regex Reindex();
}
