using Sluice.Errors;
using Sluice.Rehearsal.Runs;

namespace Sluice.Lint.Rules;

/// <summary>The rules of <see cref="LintRules"/> about clients still running the old code (rows 9, 15-18).</summary>
public static class CompatibilityRules
{
    private static readonly HashSet<string> Removable = ["OBJECT_TABLE", "OBJECT_VIEW", "OBJECT_MATVIEW", "OBJECT_SCHEMA", "OBJECT_SEQUENCE"];

    public static IEnumerable<LintHit> Check(StatementContext c)
    {
        var node = c.Statement.Node;
        switch (c.Statement.Kind)
        {
            case "RenameStmt" when node.Str("renameType") is "OBJECT_COLUMN" or "OBJECT_TABLE" or "OBJECT_VIEW" && node.Field("relation") is { } relation && !c.IsNew(relation.Table()):
            {
                var what = node.Str("renameType") == "OBJECT_COLUMN" ? $"column {relation.Table()}.{node.Str("subname")}" : relation.Table();
                yield return new(ErrorCodes.LintRename, $"renaming {what} to {node.Str("newname")} breaks every running client that still uses the old name",
                    node.Str("renameType") == "OBJECT_COLUMN"
                        ? $"add {node.Str("newname")} beside {node.Str("subname")} in an expand phase, keep both in step with a trigger, backfill, switch clients, drop {node.Str("subname")} in a contract phase"
                        : $"CREATE VIEW {node.Str("newname")} AS SELECT * FROM {relation.Table()} in an expand phase; switch clients; then drop the view and rename in one short contract phase",
                    Severity: c.Contract ? FindingSeverity.Warning : FindingSeverity.Error);
                break;
            }
            case "DropStmt" when !c.Contract && Removable.Contains(node.Str("removeType") ?? ""):
                foreach (var name in node.List("objects").Select(o => string.Join('.', o.As("List")?.Names("items") ?? [])))
                {
                    var table = name.Contains('.', StringComparison.Ordinal) ? name : $"public.{name}";
                    if (c.IsNew(table)) continue;
                    yield return new(ErrorCodes.LintDropOutsideContract, $"DROP {node.Str("removeType")!["OBJECT_".Length..]} {name} in {c.PhaseWords}: the old code still reads it",
                        "move the DROP into a contract phase, after the switch that stops every client from using it");
                }
                break;
            case "AlterTableStmt" when node.Field("relation") is { } altered && !c.IsNew(altered.Table()):
                foreach (var cmd in node.List("cmds").Select(x => x.As("AlterTableCmd")).OfType<System.Text.Json.JsonElement>())
                {
                    var table = altered.Table();
                    var column = cmd.Str("name");
                    switch (cmd.Str("subtype"))
                    {
                        case "AT_DropColumn" when !c.Contract && !c.Scope.AddedColumns.Contains((table, column ?? "")):
                            yield return new(ErrorCodes.LintDropOutsideContract, $"DROP COLUMN {table}.{column} in {c.PhaseWords}: the old code still reads and writes it",
                                "stop reading and writing it (a switch phase), then drop it in a contract phase");
                            break;
                        case "AT_DropNotNull":
                            yield return new(ErrorCodes.LintDropNotNull, $"DROP NOT NULL on {table}.{column}: code and functions that relied on it being set will meet NULLs",
                                $"keep the column NOT NULL with a marker value; or add a nullable column beside it, keep both in step, and switch readers before the old one goes");
                            break;
                        case "AT_AddColumn" when cmd.Field("def")?.As("ColumnDef") is { } added && Required(added):
                            yield return new(ErrorCodes.LintRequiredColumn, $"ADD COLUMN {added.Str("colname")} NOT NULL without a default on {table} fails on its existing rows, and the old code's INSERTs fail after it",
                                $"ALTER TABLE {table} ADD COLUMN {added.Str("colname")} {added.Type().Name} (nullable, or NOT NULL with a constant DEFAULT); backfill; then SET NOT NULL after a validated CHECK");
                            break;
                    }
                }
                break;
            case "AlterEnumStmt" when node.Str("newVal") is { } value && node.Str("newValNeighbor") is null:
            {
                var type = string.Join('.', node.Names("typeName"));
                yield return new(ErrorCodes.LintEnumAppended, $"ALTER TYPE {type} ADD VALUE '{value}' puts it after every other value: comparisons and ORDER BY on {type} change meaning",
                    $"ALTER TYPE {type} ADD VALUE '{value}' BEFORE '...' (or AFTER '...'), naming the value it belongs next to");
                break;
            }
        }
    }

    private static bool Required(System.Text.Json.JsonElement column)
    {
        var kinds = column.Constraints().Select(k => k.Str("contype")).ToList();
        return kinds.Contains("CONSTR_NOTNULL") && !kinds.Any(k => k is "CONSTR_DEFAULT" or "CONSTR_IDENTITY" or "CONSTR_GENERATED" or "CONSTR_PRIMARY")
            && column.Type().Name is not ("serial" or "bigserial" or "smallserial" or "serial4" or "serial8" or "serial2");
    }
}
