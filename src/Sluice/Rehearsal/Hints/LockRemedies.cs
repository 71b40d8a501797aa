using System.Text.RegularExpressions;

namespace Sluice.Rehearsal.Hints;

/// <summary>
/// The safe recipe for a statement the rehearsal caught rewriting a table or blocking its writers, chosen by what the
/// statement is, not by which lock it took. First matching row wins; each row is tested by
/// <c>tests/Sluice.Tests/Rehearsal/LockRemediesTests.cs</c>:
/// <code>
/// id   statement                                        remedy
/// R1   ALTER TABLE ... ALTER COLUMN ... TYPE            a new column of the new type, backfill in batches, switch reads, swap/drop the old column
/// R2   REINDEX (without CONCURRENTLY)                   REINDEX ... CONCURRENTLY in a phase with transactional: false
/// R3   VACUUM FULL                                      pg_repack (online), or copy into a new table in batches and swap names
/// R4   CLUSTER                                          pg_repack --order-by (online), or copy-and-swap
/// R5   ADD PRIMARY KEY / ADD UNIQUE (no USING INDEX)    CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT ... USING INDEX
/// R6   CREATE [UNIQUE] INDEX (without CONCURRENTLY)     CREATE INDEX CONCURRENTLY IF NOT EXISTS in a phase with transactional: false
/// R7   ADD FOREIGN KEY / CHECK (without NOT VALID)      ADD CONSTRAINT ... NOT VALID, then VALIDATE CONSTRAINT in a later phase
/// R8   ADD COLUMN ... DEFAULT (a volatile one)          add the column without a default, backfill in batches, then SET DEFAULT
/// R9   ALTER COLUMN ... SET NOT NULL                    a CHECK (col IS NOT NULL) NOT VALID, VALIDATE it, then SET NOT NULL
/// R10  anything else                                    keep the locked part catalog-only; move data work into backfill batches
/// </code>
/// </summary>
public static partial class LockRemedies
{
    /// <summary>One row of the table: its id, the statements it matches and the recipe.</summary>
    public sealed record Rule(string Id, Regex Matches, string Remedy);

    public static IReadOnlyList<Rule> Rules { get; } =
    [
        new("R1", AlterColumnType(), "add a column of the new type, backfill it in batches (a trigger keeps it in step), switch reads, then drop the old column and rename the new one in a contract phase"),
        new("R2", Reindex(), "REINDEX ... CONCURRENTLY in a phase with transactional: false (it builds the new index beside the old one)"),
        new("R3", VacuumFull(), "pg_repack, which rebuilds the table online; or copy the rows into a new table in batches and swap the names in one short transaction"),
        new("R4", Cluster(), "pg_repack --order-by, which reorders the table online; or copy-and-swap in batches"),
        new("R5", AddKey(), "CREATE UNIQUE INDEX CONCURRENTLY in a phase with transactional: false, then ALTER TABLE ... ADD CONSTRAINT ... PRIMARY KEY/UNIQUE USING INDEX (instant)"),
        new("R6", CreateIndex(), "CREATE INDEX CONCURRENTLY IF NOT EXISTS in a phase with transactional: false (drop an INVALID leftover before retrying)"),
        new("R7", ConstraintWithoutNotValid(), "ADD CONSTRAINT ... NOT VALID in one phase, ALTER TABLE ... VALIDATE CONSTRAINT in a later one (it takes a weaker lock)"),
        new("R8", AddColumnDefault(), "add the column without a default (or with a constant one), backfill it in batches, then SET DEFAULT"),
        new("R9", SetNotNull(), "ADD CONSTRAINT c CHECK (col IS NOT NULL) NOT VALID; VALIDATE CONSTRAINT c; then SET NOT NULL (instant) and drop the check"),
        new("R10", Anything(), "keep the part that holds the lock a catalog-only change under a short lock_timeout; move data work into backfill batches"),
    ];

    /// <summary>The row with this id (the static hints share its pattern and recipe).</summary>
    public static Rule ById(string id) => Rules.Single(r => r.Id == id);

    /// <summary>The first rule that matches the statement (comments are ignored).</summary>
    public static Rule For(string statement)
    {
        var code = StatementText.Code(statement);
        return Rules.First(r => r.Matches.IsMatch(code));
    }

    [GeneratedRegex(@"\bALTER\s+COLUMN\s+\S+\s+(SET\s+DATA\s+)?TYPE\b", RegexOptions.IgnoreCase)]
    private static partial Regex AlterColumnType();

    [GeneratedRegex(@"^\s*REINDEX\b(?!.*\bCONCURRENTLY\b)", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex Reindex();

    [GeneratedRegex(@"^\s*VACUUM\s*(\(\s*[^)]*\bFULL\b[^)]*\)|\s+FULL\b)", RegexOptions.IgnoreCase)]
    private static partial Regex VacuumFull();

    [GeneratedRegex(@"^\s*CLUSTER\b", RegexOptions.IgnoreCase)]
    private static partial Regex Cluster();

    [GeneratedRegex(@"\bADD\s+(CONSTRAINT\s+\S+\s+)?(PRIMARY\s+KEY|UNIQUE)\b(?![^;]*\bUSING\s+INDEX\b)", RegexOptions.IgnoreCase)]
    private static partial Regex AddKey();

    [GeneratedRegex(@"\bCREATE\s+(UNIQUE\s+)?INDEX\s+(?!CONCURRENTLY)", RegexOptions.IgnoreCase)]
    private static partial Regex CreateIndex();

    [GeneratedRegex(@"\bADD\s+(CONSTRAINT\s+\S+\s+)?(FOREIGN\s+KEY|CHECK)\b(?![^;]*\bNOT\s+VALID\b)", RegexOptions.IgnoreCase)]
    private static partial Regex ConstraintWithoutNotValid();

    [GeneratedRegex(@"\bADD\s+(COLUMN\s+)?[^;]*\bDEFAULT\b", RegexOptions.IgnoreCase)]
    private static partial Regex AddColumnDefault();

    [GeneratedRegex(@"\bALTER\s+COLUMN\s+\S+\s+SET\s+NOT\s+NULL", RegexOptions.IgnoreCase)]
    private static partial Regex SetNotNull();

    [GeneratedRegex(@"(?s).*")]
    private static partial Regex Anything();
}
