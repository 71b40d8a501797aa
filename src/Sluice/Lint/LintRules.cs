using Sluice.Errors;
using Sluice.Rehearsal.Runs;

namespace Sluice.Lint;

/// <summary>
/// The rule set that Lint, the lint gate and the rehearsal share, read from PostgreSQL's own parse tree. A rule's
/// default severity holds where the data says nothing; the weighted rules follow the table (<see cref="LockWeight"/>);
/// a service re-levels or turns off a rule in sluice.yaml (<see cref="LintSettings"/>), a statement by a comment
/// (<see cref="Suppressions"/>). Each row is tested by <c>tests/Sluice.Tests/Lint/LintRulesTests.cs</c> with the
/// fixtures of <c>tests/Fixtures/lint</c>:
/// <code>
/// #   code    rule                            fires on                                                      default   weighted
/// 1   SLU200  index-blocks-writes             CREATE INDEX without CONCURRENTLY on a table that existed      warning   yes
/// 2   SLU201  index-drop-blocks               DROP INDEX without CONCURRENTLY                                warning   yes
/// 3   SLU202  reindex-blocks                  REINDEX without CONCURRENTLY                                   warning   yes
/// 4   SLU203  detach-partition-blocks         DETACH PARTITION without CONCURRENTLY                          warning   yes
/// 5   SLU204  full-rewrite                    VACUUM FULL, CLUSTER                                           error     yes
/// 6   SLU205  key-without-index               ADD PRIMARY KEY / UNIQUE without USING INDEX                   warning   yes
/// 7   SLU206  constraint-validates-now        ADD CHECK / FOREIGN KEY without NOT VALID                      warning   yes
/// 8   SLU207  set-not-null-scans              SET NOT NULL with no VALIDATE CONSTRAINT on the table before   warning   yes
/// 9   SLU208  drop-not-null                   DROP NOT NULL                                                  warning   no
/// 10  SLU209  volatile-default                ADD COLUMN ... DEFAULT f() with a volatile f                   error     yes
/// 11  SLU210  stored-generated-column         ADD COLUMN ... GENERATED ALWAYS AS (...) STORED                error     yes
/// 12  SLU211  column-type-change              ALTER COLUMN ... TYPE (info when the new type is unbounded)    warning   yes
/// 13  SLU212  domain-check-added              ALTER DOMAIN ... ADD CONSTRAINT without NOT VALID              warning   no
/// 14  SLU213  constrained-domain              CREATE DOMAIN ... CHECK                                        warning   no
/// 15  SLU214  rename                          RENAME of a table or column (error outside a contract)         warning   no
/// 16  SLU215  drop-outside-contract           DROP TABLE/VIEW/INDEX/SCHEMA/COLUMN in expand or switch        error     no
/// 17  SLU216  required-column                 ADD COLUMN ... NOT NULL without DEFAULT on an existing table   error     no
/// 18  SLU217  enum-value-appended             ALTER TYPE ... ADD VALUE without BEFORE / AFTER                warning   no
/// 19  SLU218  truncate-cascade                TRUNCATE ... CASCADE                                           error     no
/// 20  SLU219  drop-database                   DROP DATABASE                                                  error     no
/// 21  SLU220  char-type                       a char(n) / character column                                   warning   no
/// 22  SLU221  varchar-length                  a varchar(n) column                                            info      no
/// 23  SLU222  int-key                         an int / serial key column (primary key, identity, serial)      warning   no
/// 24  SLU223  smallint-key                    a smallint / smallserial key column                            warning   no
/// 25  SLU224  serial-column                   a serial / bigserial / smallserial column                      warning   no
/// 26  SLU225  timestamp-without-time-zone     a timestamp column without time zone                           warning   no
/// 27  SLU226  identifier-too-long             a name over 63 bytes                                           error     no
/// 28  SLU227  duplicate-assignment            a column twice in CREATE TABLE, a view's names or UPDATE SET   error     no
/// 29  SLU228  no-statement-timeout            a phase changing the schema with no statement_timeout          info      no
/// 30  SLU229  unqualified-name                a table named without its schema                               off       no
/// 31  SLU230  not-robust                      CREATE/ADD/DROP without IF [NOT] EXISTS, non-transactional     warning   no
/// 32  SLU231  concurrently-in-transaction     ... CONCURRENTLY in a transactional phase or BEGIN block       error     no
/// 33  SLU235  default-lock-timeout            a phase changing the schema on the default lock_timeout        info      no
/// 34  SLU106  data-not-restorable             data destroyed that the phase's down cannot bring back         error     no
/// </code>
/// The rehearsal adds what only the database shows: SLU232/SLU233 (a lock that blocks writers, or readers and
/// writers, held past max_lock_hold on a table with data or traffic, see <see cref="LockJudgement"/>) and SLU234 (a
/// table rewritten); an observed lock or rewrite of a statement a rule above names carries that rule's code.
/// A statement that does not parse is SLU161 before any rule runs.
/// </summary>
public static class LintRules
{
    private const FindingSeverity Info = FindingSeverity.Info, Warning = FindingSeverity.Warning, Error = FindingSeverity.Error;

    public static IReadOnlyList<LintRule> All { get; } =
    [
        new(ErrorCodes.LintIndexBlocksWrites, "index-blocks-writes", LintGroup.Locks, Warning, true, "CREATE INDEX without CONCURRENTLY blocks every write to the table while the index builds"),
        new(ErrorCodes.LintIndexDropBlocks, "index-drop-blocks", LintGroup.Locks, Warning, true, "DROP INDEX without CONCURRENTLY takes ACCESS EXCLUSIVE on the table"),
        new(ErrorCodes.LintReindexBlocks, "reindex-blocks", LintGroup.Locks, Warning, true, "REINDEX without CONCURRENTLY blocks writes to the table (and reads through the index) while it rebuilds"),
        new(ErrorCodes.LintDetachBlocks, "detach-partition-blocks", LintGroup.Locks, Warning, true, "DETACH PARTITION without CONCURRENTLY takes ACCESS EXCLUSIVE on the parent"),
        new(ErrorCodes.LintFullRewrite, "full-rewrite", LintGroup.Locks, Error, true, "VACUUM FULL and CLUSTER rewrite the whole table under ACCESS EXCLUSIVE"),
        new(ErrorCodes.LintKeyWithoutIndex, "key-without-index", LintGroup.Locks, Warning, true, "ADD PRIMARY KEY or UNIQUE builds its index under ACCESS EXCLUSIVE"),
        new(ErrorCodes.LintConstraintValidates, "constraint-validates-now", LintGroup.Locks, Warning, true, "a CHECK or FOREIGN KEY without NOT VALID scans the table while writes wait"),
        new(ErrorCodes.LintSetNotNullScans, "set-not-null-scans", LintGroup.Locks, Warning, true, "SET NOT NULL scans the table under ACCESS EXCLUSIVE unless a validated CHECK proves it"),
        new(ErrorCodes.LintDropNotNull, "drop-not-null", LintGroup.Compatibility, Warning, false, "DROP NOT NULL lets NULLs reach code that never expected them"),
        new(ErrorCodes.LintVolatileDefault, "volatile-default", LintGroup.Locks, Error, true, "a column added with a volatile default rewrites the table under ACCESS EXCLUSIVE"),
        new(ErrorCodes.LintStoredGenerated, "stored-generated-column", LintGroup.Locks, Error, true, "a stored generated column added to an existing table rewrites it under ACCESS EXCLUSIVE"),
        new(ErrorCodes.LintColumnType, "column-type-change", LintGroup.Locks, Warning, true, "ALTER COLUMN ... TYPE rewrites the table unless the old and new types are binary coercible"),
        new(ErrorCodes.LintDomainCheck, "domain-check-added", LintGroup.Locks, Warning, false, "ALTER DOMAIN ... ADD CONSTRAINT checks every column of the domain while it holds its locks"),
        new(ErrorCodes.LintConstrainedDomain, "constrained-domain", LintGroup.Types, Warning, false, "a domain with a CHECK makes every later change of the check revalidate all its columns"),
        new(ErrorCodes.LintRename, "rename", LintGroup.Compatibility, Warning, false, "a rename breaks every running client that uses the old name"),
        new(ErrorCodes.LintDropOutsideContract, "drop-outside-contract", LintGroup.Compatibility, Error, false, "a drop before the contract phase breaks the old code that still reads it"),
        new(ErrorCodes.LintRequiredColumn, "required-column", LintGroup.Compatibility, Error, false, "a NOT NULL column without a default fails on existing rows and on the old code's inserts"),
        new(ErrorCodes.LintEnumAppended, "enum-value-appended", LintGroup.Compatibility, Warning, false, "an enum value added without BEFORE or AFTER sorts after every other value"),
        new(ErrorCodes.LintTruncateCascade, "truncate-cascade", LintGroup.Robustness, Error, false, "TRUNCATE ... CASCADE also empties every table that references it"),
        new(ErrorCodes.LintDropDatabase, "drop-database", LintGroup.Robustness, Error, false, "DROP DATABASE destroys a database no migration can bring back"),
        new(ErrorCodes.LintCharType, "char-type", LintGroup.Types, Warning, false, "char(n) pads with blanks and is no faster than text"),
        new(ErrorCodes.LintVarcharLength, "varchar-length", LintGroup.Types, Info, false, "varchar(n) fixes a limit that takes a lock to raise; text with a CHECK does not"),
        new(ErrorCodes.LintIntKey, "int-key", LintGroup.Types, Warning, false, "an int key runs out at 2,147,483,647; changing it later rewrites the table and every referencing one"),
        new(ErrorCodes.LintSmallintKey, "smallint-key", LintGroup.Types, Warning, false, "a smallint key runs out at 32,767"),
        new(ErrorCodes.LintSerialColumn, "serial-column", LintGroup.Types, Warning, false, "serial owns a separate sequence with its own grants; an identity column is the standard form"),
        new(ErrorCodes.LintTimestampWithoutZone, "timestamp-without-time-zone", LintGroup.Types, Warning, false, "timestamp without time zone drops the offset it was given"),
        new(ErrorCodes.LintIdentifierTooLong, "identifier-too-long", LintGroup.Robustness, Error, false, "PostgreSQL truncates names over 63 bytes, so the object gets another name than written"),
        new(ErrorCodes.LintDuplicateAssignment, "duplicate-assignment", LintGroup.Robustness, Error, false, "a column declared or assigned twice fails at run time"),
        new(ErrorCodes.LintNoStatementTimeout, "no-statement-timeout", LintGroup.Robustness, Info, false, "a phase with no statement_timeout can run for as long as it likes"),
        new(ErrorCodes.LintUnqualifiedName, "unqualified-name", LintGroup.Robustness, null, false, "a table named without its schema is looked up on the search_path"),
        new(ErrorCodes.LintNotRobust, "not-robust", LintGroup.Robustness, Warning, false, "a non-transactional phase that stopped half way fails again on retry without IF [NOT] EXISTS"),
        new(ErrorCodes.LintConcurrentlyInTransaction, "concurrently-in-transaction", LintGroup.Robustness, Error, false, "PostgreSQL refuses CONCURRENTLY inside a transaction block"),
        new(ErrorCodes.LintDefaultLockTimeout, "default-lock-timeout", LintGroup.Robustness, Info, false, "a phase on the default lock_timeout waits up to 1 s for each lock, with every later session queued behind it"),
        new(ErrorCodes.DataNotRestorable, "data-not-restorable", LintGroup.Compatibility, Error, false, "data destroyed that the phase's down cannot bring back"),
        new(ErrorCodes.LintLockBlocksWriters, "blocks-writers", LintGroup.Locks, Error, true, "the rehearsal saw a lock that blocks writers held past max_lock_hold"),
        new(ErrorCodes.LintLockBlocksAll, "blocks-reads-and-writes", LintGroup.Locks, Error, true, "the rehearsal saw ACCESS EXCLUSIVE held past max_lock_hold"),
        new(ErrorCodes.LintTableRewrite, "table-rewrite", LintGroup.Locks, Error, true, "the rehearsal saw a table rewritten"),
    ];

    /// <summary>The rule with this code or name; null when there is none.</summary>
    public static LintRule? Find(string codeOrName) =>
        All.FirstOrDefault(r => string.Equals(r.Code, codeOrName, StringComparison.OrdinalIgnoreCase) || string.Equals(r.Name, codeOrName, StringComparison.OrdinalIgnoreCase));

    public static LintRule ByCode(string code) => All.Single(r => r.Code == code);
}
