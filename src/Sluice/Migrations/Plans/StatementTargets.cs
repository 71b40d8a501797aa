using System.Text.RegularExpressions;
using Sluice.Migrations.Running;
using Sluice.Rehearsal.Hints;

namespace Sluice.Migrations.Plans;

/// <summary>What a statement does to a table (or to one of its columns), as far as its text says.</summary>
public enum TargetAction
{
    CreateTable,
    DropTable,
    Truncate,
    Delete,
    Insert,
    /// <summary>An UPDATE setting <see cref="StatementTarget.Column"/>.</summary>
    Update,
    AddColumn,
    DropColumn,
    /// <summary>ALTER COLUMN ... TYPE <see cref="StatementTarget.Type"/>.</summary>
    AlterColumnType,
    /// <summary>Anything else naming the table: another ALTER TABLE action, an index, a trigger.</summary>
    Other,
    /// <summary>A MERGE INTO the table (it inserts, updates or deletes, as its WHEN clauses say).</summary>
    Merge,
}

/// <summary>One table (and column) a statement acts on. <see cref="Table"/> is normalised: unquoted names in lower
/// case, quoted ones as written, <c>public.</c> left out, so the same table is spelt one way everywhere.</summary>
public sealed record StatementTarget(TargetAction Action, string Table, string? Column = null, string? Type = null);

/// <summary>A statement of a plan's script with the line of the file where it starts and what it acts on.</summary>
public sealed record ScriptStatement(PlanScript Script, int Line, string Text, IReadOnlyList<StatementTarget> Targets)
{
    /// <summary>The statement's first line of code, for messages.</summary>
    public string Head => StatementText.FirstLine(Text);
}

/// <summary>
/// Reads which tables and columns a script's statements act on: ALTER TABLE (ADD, DROP, ALTER COLUMN ... TYPE and
/// the rest), CREATE/DROP TABLE, TRUNCATE, DELETE, INSERT, UPDATE ... SET, MERGE INTO, and CREATE INDEX / CREATE or
/// DROP TRIGGER ... ON. The one place that extracts statement targets: the lint's data-loss rule, the rollback's data
/// baseline (which tables a plan touches) and the backfill's watch of the writers' latency (which of the server's
/// statements write the table, <see cref="WritesTo"/>) all read them here. Comments and dollar-quoted bodies (functions, DO blocks) are
/// left out: their statements run conditionally or later, not when the script runs.
/// </summary>
public static partial class StatementTargets
{
    /// <summary>Every statement of <paramref name="script"/> with its targets (an empty list when it names no table).</summary>
    public static IReadOnlyList<ScriptStatement> Read(PlanScript script) =>
        [.. SqlStatements.Split(script.Sql).Select(statement =>
            new ScriptStatement(script, StatementText.LineOf(script.Sql, statement), statement, Targets(Code(statement))))];

    /// <summary>The tables every script of the plan acts on (ups, downs and backfill batches), ordered.</summary>
    public static IReadOnlyList<string> TablesOf(MigrationPlan plan) =>
        [.. plan.Phases.SelectMany(p => p.Scripts()).SelectMany(Read).SelectMany(s => s.Targets).Select(t => t.Table)
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    /// <summary>What one statement acts on (an empty list when it names no table).</summary>
    public static IReadOnlyList<StatementTarget> Of(string statement) => Targets(Code(statement));

    /// <summary>
    /// True when <paramref name="statement"/> inserts into, updates, deletes from or merges into <paramref name="table"/>
    /// (as a plan writes it). The same table when the names are equal once normalised (<see cref="Name"/>), or when one
    /// of them is unqualified and the other's last part is the same: which schema an unqualified name means depends on
    /// the session's search_path, which the text does not say.
    /// </summary>
    public static bool WritesTo(string statement, string table)
    {
        var wanted = Name(table);
        return Of(statement).Any(t => t.Action is TargetAction.Insert or TargetAction.Update or TargetAction.Delete or TargetAction.Merge
                                      && SameTable(t.Table, wanted));
    }

    private static bool SameTable(string a, string b)
    {
        if (a == b) return true;
        var (qualifiedA, qualifiedB) = (TopLevel(a, '.').Count() > 1, TopLevel(b, '.').Count() > 1);
        return qualifiedA != qualifiedB && TopLevel(a, '.').Last() == TopLevel(b, '.').Last();
    }

    private static string Code(string statement) => Whitespace().Replace(Ignored().Replace(statement, " "), " ").Trim();

    private static IReadOnlyList<StatementTarget> Targets(string sql)
    {
        if (AlterTable().Match(sql) is { Success: true } alter)
        {
            var table = Name(alter.Groups["table"].Value);
            return [.. TopLevel(alter.Groups["actions"].Value, ',').Select(action => AlterAction(table, action.Trim()))];
        }
        if (CreateTable().Match(sql) is { Success: true } create) return [new(TargetAction.CreateTable, Name(create.Groups["table"].Value))];
        if (DropTable().Match(sql) is { Success: true } drop) return Each(drop.Groups["tables"].Value, TargetAction.DropTable);
        if (Truncate().Match(sql) is { Success: true } truncate) return Each(truncate.Groups["tables"].Value, TargetAction.Truncate);
        if (Delete().Match(sql) is { Success: true } delete) return [new(TargetAction.Delete, Name(delete.Groups["table"].Value))];
        if (Insert().Match(sql) is { Success: true } insert) return [new(TargetAction.Insert, Name(insert.Groups["table"].Value))];
        if (Merge().Match(sql) is { Success: true } merge) return [new(TargetAction.Merge, Name(merge.Groups["table"].Value))];
        if (Update().Match(sql) is { Success: true } update)
        {
            var table = Name(update.Groups["table"].Value);
            var columns = TopLevel(update.Groups["set"].Value, ',')
                .SelectMany(assignment => SetColumns(assignment.Split('=')[0]))
                .Distinct(StringComparer.Ordinal).ToList();
            return columns.Count == 0 ? [new(TargetAction.Update, table)] : [.. columns.Select(c => new StatementTarget(TargetAction.Update, table, c))];
        }
        if (OnTable().Match(sql) is { Success: true } on) return [new(TargetAction.Other, Name(on.Groups["table"].Value))];
        return [];
    }

    private static StatementTarget AlterAction(string table, string action)
    {
        if (AddColumn().Match(action) is { Success: true } add) return new(TargetAction.AddColumn, table, Name(add.Groups["column"].Value));
        if (DropColumn().Match(action) is { Success: true } drop) return new(TargetAction.DropColumn, table, Name(drop.Groups["column"].Value));
        if (ColumnType().Match(action) is { Success: true } type)
            return new(TargetAction.AlterColumnType, table, Name(type.Groups["column"].Value), type.Groups["type"].Value.Trim().ToLowerInvariant());
        return new(TargetAction.Other, table);
    }

    private static List<StatementTarget> Each(string tables, TargetAction action) =>
        [.. TopLevel(tables, ',').Select(t => t.Trim()).Where(t => t.Length > 0).Select(t => new StatementTarget(action, Name(t)))];

    // "col", "(a, b)", "col[1]", "col.field": the columns an assignment writes.
    private static IEnumerable<string> SetColumns(string target) =>
        target.Trim().TrimStart('(').TrimEnd(')').Split(',')
            .Select(c => c.Trim().Split('[', '.')[0].Trim())
            .Where(c => c.Length > 0).Select(Name);

    /// <summary><c>public.Customers</c> -> <c>customers</c>, <c>"Odd"</c> -> <c>Odd</c>, <c>app.t</c> -> <c>app.t</c>.</summary>
    public static string Name(string written)
    {
        var parts = TopLevel(written.Trim(), '.').Select(p =>
        {
            var part = p.Trim();
            return part.Length >= 2 && part[0] == '"' && part[^1] == '"' ? part[1..^1].Replace("\"\"", "\"", StringComparison.Ordinal) : part.ToLowerInvariant();
        }).ToList();
        if (parts.Count == 2 && parts[0] == "public") parts.RemoveAt(0);
        return string.Join('.', parts);
    }

    /// <summary>Splits at <paramref name="separator"/> outside parentheses and double quotes.</summary>
    private static IEnumerable<string> TopLevel(string text, char separator)
    {
        var depth = 0;
        var quoted = false;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '"') quoted = !quoted;
            else if (quoted) continue;
            else if (c == '(') depth++;
            else if (c == ')') depth--;
            else if (c == separator && depth == 0)
            {
                yield return text[start..i];
                start = i + 1;
            }
        }
        yield return text[start..];
    }

    private const string Ident = @"(?:""(?:[^""]|"""")+""|[A-Za-z_][\w$]*)";
    private const string Qualified = Ident + @"(?:\s*\.\s*" + Ident + ")?";

    // Comments, string literals and dollar-quoted bodies: nothing in them is a statement's own target.
    [GeneratedRegex(@"--[^\n]*|/\*.*?\*/|'(?:[^']|'')*'|\$(\w*)\$.*?\$\1\$", RegexOptions.Singleline)]
    private static partial Regex Ignored();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"^ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?(?<table>" + Qualified + @")\s*\*?\s+(?<actions>.+)$", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex AlterTable();

    [GeneratedRegex(@"^ADD\s+(?:COLUMN\s+)?(?:IF\s+NOT\s+EXISTS\s+)?(?!CONSTRAINT\b|PRIMARY\b|UNIQUE\b|CHECK\b|FOREIGN\b|EXCLUDE\b)(?<column>" + Ident + @")\s", RegexOptions.IgnoreCase)]
    private static partial Regex AddColumn();

    [GeneratedRegex(@"^DROP\s+(?:COLUMN\s+)?(?:IF\s+EXISTS\s+)?(?!CONSTRAINT\b)(?<column>" + Ident + @")(?:\s+(?:CASCADE|RESTRICT))?$", RegexOptions.IgnoreCase)]
    private static partial Regex DropColumn();

    [GeneratedRegex(@"^ALTER\s+(?:COLUMN\s+)?(?<column>" + Ident + @")\s+(?:SET\s+DATA\s+)?TYPE\s+(?<type>.+?)(?:\s+COLLATE\s+.+?)?(?:\s+USING\s+.+)?$", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex ColumnType();

    [GeneratedRegex(@"^CREATE\s+(?:(?:GLOBAL\s+|LOCAL\s+)?(?:TEMP|TEMPORARY)\s+|UNLOGGED\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(?<table>" + Qualified + ")", RegexOptions.IgnoreCase)]
    private static partial Regex CreateTable();

    [GeneratedRegex(@"^DROP\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?<tables>.+?)(?:\s+(?:CASCADE|RESTRICT))?$", RegexOptions.IgnoreCase)]
    private static partial Regex DropTable();

    [GeneratedRegex(@"^TRUNCATE\s+(?:TABLE\s+)?(?:ONLY\s+)?(?<tables>.+?)(?:\s+(?:RESTART|CONTINUE)\s+IDENTITY)?(?:\s+(?:CASCADE|RESTRICT))?$", RegexOptions.IgnoreCase)]
    private static partial Regex Truncate();

    [GeneratedRegex(@"^(?:WITH\s.+?\s)?DELETE\s+FROM\s+(?:ONLY\s+)?(?<table>" + Qualified + ")", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex Delete();

    [GeneratedRegex(@"^(?:WITH\s.+?\s)?INSERT\s+INTO\s+(?<table>" + Qualified + ")", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex Insert();

    [GeneratedRegex(@"^(?:WITH\s.+?\s)?MERGE\s+INTO\s+(?:ONLY\s+)?(?<table>" + Qualified + ")", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex Merge();

    [GeneratedRegex(@"^(?:WITH\s.+?\s)?UPDATE\s+(?:ONLY\s+)?(?<table>" + Qualified + @")(?:\s+(?:AS\s+)?(?!SET\b)" + Ident + @")?\s+SET\s+(?<set>.+?)(?:\s+(?:FROM|WHERE|RETURNING)\s.*)?$", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex Update();

    [GeneratedRegex(@"^(?:CREATE\s+(?:UNIQUE\s+)?INDEX|CREATE\s+(?:OR\s+REPLACE\s+)?(?:CONSTRAINT\s+)?TRIGGER|DROP\s+TRIGGER)\s.*?\sON\s+(?:ONLY\s+)?(?<table>" + Qualified + ")", RegexOptions.IgnoreCase)]
    private static partial Regex OnTable();
}
