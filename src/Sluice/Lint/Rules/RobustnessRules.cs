using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Sluice.Errors;

namespace Sluice.Lint.Rules;

/// <summary>The rules of <see cref="LintRules"/> about robustness and limits (rows 19-20, 27-28, 30-32).</summary>
public static partial class RobustnessRules
{
    private const int MaxIdentifierBytes = 63;

    public static IEnumerable<LintHit> Check(StatementContext c)
    {
        var node = c.Statement.Node;
        var kind = c.Statement.Kind;
        if (kind == "TruncateStmt" && node.Str("behavior") == "DROP_CASCADE")
            yield return new(ErrorCodes.LintTruncateCascade, $"TRUNCATE ... CASCADE empties {string.Join(", ", node.List("relations").Select(r => r.As("RangeVar")?.Table()))} and every table that references them, named or not: that data is destroyed",
                $"name every table to empty: TRUNCATE {string.Join(", ", node.List("relations").Select(r => r.As("RangeVar")?.Str("relname")))}, ... (without CASCADE), in a phase marked irreversible: true");
        if (kind == "DropdbStmt")
            yield return new(ErrorCodes.LintDropDatabase, $"DROP DATABASE {node.Str("dbname")} destroys a whole database: no down can bring it back",
                "drop databases by hand, outside migrations, after a verified snapshot");
        foreach (var name in LongIdentifiers(c.Statement.Text))
            yield return new(ErrorCodes.LintIdentifierTooLong, $"'{name}' is {Encoding.UTF8.GetByteCount(name)} bytes: PostgreSQL keeps the first {MaxIdentifierBytes} and names the object '{Truncate(name)}'",
                $"a name of at most {MaxIdentifierBytes} bytes");
        foreach (var duplicate in Duplicates(kind, node))
            yield return new(ErrorCodes.LintDuplicateAssignment, $"{duplicate} appears twice in one {kind.Replace("Stmt", "")} statement: PostgreSQL refuses it at run time",
                "declare or assign each column once");
        var concurrent = kind switch
        {
            "IndexStmt" or "DropStmt" => node.Flag("concurrent"),
            "ReindexStmt" => node.List("params").Any(p => p.As("DefElem")?.Str("defname") == "concurrently"),
            "AlterTableStmt" => node.List("cmds").Any(x => x.As("AlterTableCmd")?.Field("def")?.As("PartitionCmd")?.Flag("concurrent") == true),
            _ => false,
        };
        if (concurrent && c.InTransaction)
            yield return new(ErrorCodes.LintConcurrentlyInTransaction, "CONCURRENTLY cannot run inside a transaction block: PostgreSQL refuses the statement",
                c.Phase.Transactional ? $"put it in a phase of its own with transactional: false" : "take it out of the BEGIN ... COMMIT block");
        if (!c.Phase.Transactional && !c.InTransaction && NotRobust(kind, node) is { } what)
            yield return new(ErrorCodes.LintNotRobust, $"{what} in a non-transactional phase: after a run that stopped half way, the retry fails on it",
                $"{what.Replace("CREATE ", "CREATE ... IF NOT EXISTS ").Replace("ADD COLUMN", "ADD COLUMN IF NOT EXISTS").Replace("DROP ", "DROP ... IF EXISTS ")}");
        if (Unqualified(kind, node) is { } table)
            yield return new(ErrorCodes.LintUnqualifiedName, $"{table} is named without its schema: the session's search_path decides which table it is", $"public.{table} (or the schema it lives in)");
    }

    private static string? NotRobust(string kind, JsonElement node) => kind switch
    {
        "CreateStmt" when !node.Flag("if_not_exists") => $"CREATE TABLE {node.Field("relation")?.Str("relname")}",
        "IndexStmt" when !node.Flag("if_not_exists") => $"CREATE INDEX {node.Str("idxname") ?? "(unnamed)"}",
        "DropStmt" when !node.Flag("missing_ok") => $"DROP {node.Str("removeType")?.Replace("OBJECT_", "")}",
        "AlterTableStmt" when node.List("cmds").Select(x => x.As("AlterTableCmd")).FirstOrDefault(x => x?.Str("subtype") == "AT_AddColumn" && !x.Value.Flag("missing_ok")) is { } add
            => $"ADD COLUMN {add.Field("def")?.As("ColumnDef")?.Str("colname")}",
        "AlterTableStmt" when node.List("cmds").Select(x => x.As("AlterTableCmd")).FirstOrDefault(x => x?.Str("subtype") == "AT_DropColumn" && !x.Value.Flag("missing_ok")) is { } drop
            => $"DROP COLUMN {drop.Str("name")}",
        _ => null,
    };

    private static string? Unqualified(string kind, JsonElement node) => kind switch
    {
        "CreateStmt" or "AlterTableStmt" or "IndexStmt" when node.Field("relation") is { } r && r.Str("schemaname") is null => r.Str("relname"),
        "ViewStmt" when node.Field("view") is { } v && v.Str("schemaname") is null => v.Str("relname"),
        _ => null,
    };

    private static IEnumerable<string> Duplicates(string kind, JsonElement node)
    {
        IEnumerable<string?> names = kind switch
        {
            "CreateStmt" => node.List("tableElts").Select(e => e.As("ColumnDef")?.Str("colname")),
            "ViewStmt" => node.Names("aliases"),
            "UpdateStmt" => node.List("targetList").Select(t => t.As("ResTarget")).Where(t => t?.Field("indirection") is null).Select(t => t?.Str("name")),
            _ => [],
        };
        return names.OfType<string>().GroupBy(n => n, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key);
    }

    /// <summary>Names over 63 bytes as written (the parse tree already holds them truncated): quoted or bare words outside strings and comments.</summary>
    private static IEnumerable<string> LongIdentifiers(string text) =>
        Words().Matches(Strings().Replace(text, "''")).Select(m => m.Groups["quoted"].Success ? m.Groups["quoted"].Value : m.Value)
            .Where(n => Encoding.UTF8.GetByteCount(n) > MaxIdentifierBytes).Distinct(StringComparer.Ordinal);

    private static string Truncate(string name)
    {
        var bytes = Encoding.UTF8.GetBytes(name);
        var length = MaxIdentifierBytes;
        while (length > 0 && (bytes[length] & 0xC0) == 0x80) length--;
        return Encoding.UTF8.GetString(bytes, 0, length);
    }

    [GeneratedRegex(@"'(?:[^']|'')*'|--[^\n]*|/\*.*?\*/", RegexOptions.Singleline)]
    private static partial Regex Strings();

    [GeneratedRegex(@"""(?<quoted>(?:[^""]|"""")+)""|[\p{L}_][\p{L}\p{N}_$]*")]
    private static partial Regex Words();
}
