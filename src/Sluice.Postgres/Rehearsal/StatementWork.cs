using System.Text.RegularExpressions;
using Sluice.Rehearsal.Hints;
using Sluice.Rehearsal.Predictions;

namespace Sluice.Postgres.Rehearsal;

/// <summary>
/// What a recorded statement did to which tables' rows, for <see cref="DurationPredictor"/>. Its locks and rewrites name
/// the tables (a statement outside a transaction has no recorded locks: the tables it names do). It is data work when
/// it rewrote a table, when it is DML or an index build, or when it adds or validates a constraint that scans the rows
/// (not NOT VALID); anything else (adding a nullable column, a trigger, a function) changes only the catalog, whatever
/// lock it takes.
/// </summary>
internal static partial class StatementWork
{
    public static MeasuredWork Of(StatementRun run, IEnumerable<string> knownTables)
    {
        var tables = run.Locks.Select(l => l.Table).Concat(run.Rewritten).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var text = StatementText.Code(run.Text);
        if (tables.Count == 0) tables = [.. knownTables.Where(t => Names(text, t))];
        var data = run.Rewritten.Count > 0 || DataStatement().IsMatch(text) || Scans().IsMatch(text) && !NotValid().IsMatch(text);
        return new MeasuredWork(StatementText.FirstLine(run.Text), run.Duration, tables, data);
    }

    /// <summary>A backfill's batches walk its whole table.</summary>
    public static MeasuredWork Batches(string table, TimeSpan duration) => new("batches", duration, [Qualified(table)], true);

    /// <summary>The executor's own work around the statements (journal rows, the transaction): the same at any size.</summary>
    public static MeasuredWork Overhead(TimeSpan duration) => new("executor", duration < TimeSpan.Zero ? TimeSpan.Zero : duration, [], false);

    /// <summary><c>orders</c> or <c>"public"."orders"</c> as <c>public.orders</c>.</summary>
    public static string Qualified(string table)
    {
        var bare = table.Replace("\"", "", StringComparison.Ordinal);
        return bare.Contains('.', StringComparison.Ordinal) ? bare : $"public.{bare}";
    }

    private static bool Names(string text, string qualified)
    {
        var name = qualified[(qualified.LastIndexOf('.') + 1)..];
        return Regex.IsMatch(text, $@"(?<![\w$]){Regex.Escape(name)}(?![\w$])", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    }

    [GeneratedRegex(@"\b(ADD\s+(CONSTRAINT\s+\S+\s+)?(CHECK|FOREIGN\s+KEY|PRIMARY\s+KEY|UNIQUE)|SET\s+NOT\s+NULL|VALIDATE\s+CONSTRAINT)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Scans();

    [GeneratedRegex(@"\bNOT\s+VALID\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex NotValid();

    [GeneratedRegex(@"^\s*(WITH\b.*\b(UPDATE|INSERT|DELETE)|UPDATE|INSERT|DELETE|MERGE|COPY|CREATE\s+(UNIQUE\s+)?INDEX|REINDEX|VACUUM|ANALYZE|CLUSTER|REFRESH)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Singleline)]
    private static partial Regex DataStatement();
}
