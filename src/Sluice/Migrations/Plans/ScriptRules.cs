using Sluice.Errors;
using Sluice.Migrations.Running;

namespace Sluice.Migrations.Plans;

/// <summary>
/// The checks every statement of a phase's scripts passes at load time, before anything touches a database; each
/// failure names the SQL file and the statement's line (exit 2):
/// <code>
/// R1  transaction control (C1-C3) in a script that runs inside the phase's own transaction       SLU115
///     (up and down of a transactional phase, every verify, every backfill batch)
/// R2  a BEGIN / START TRANSACTION that the same non-transactional script never ends              SLU116
/// R3  a statement acting on the cluster (C4-C9) in a phase that does not declare                 SLU117
///     'cluster_statements: true' (on the phase or the plan)
/// R4  anything else                                                                               passes
/// </code>
/// The C-rows are <see cref="StatementClassifier"/>'s. R1 exists because an inner COMMIT would commit the phase's
/// journal row and half its work, and the phase's own commit would then fail; R2 because an open transaction would
/// swallow the phase's changes and its "done" row, and be rolled back when the session ends.
/// </summary>
public static class ScriptRules
{
    public static void Check(MigrationPhase phase)
    {
        foreach (var (script, inTransaction) in Scripts(phase))
        {
            SqlStatement? open = null;
            foreach (var statement in SqlStatements.Parse(script.Sql))
            {
                var kind = StatementClassifier.Classify(statement.Code);
                if (kind is StatementKind.TransactionStart or StatementKind.TransactionEnd or StatementKind.TransactionStep && inTransaction)
                    throw Refused(ErrorCodes.TransactionControl, script, statement,
                        $"{script.FileName} controls the transaction ({FirstWords(statement)}), but it runs inside phase '{phase.Name}''s own transaction",
                        phase is BackfillPhase || script == phase.Verify
                            ? "remove it: a verify and each backfill batch run in one transaction that Sluice commits"
                            : "remove it: the phase commits its SQL and its journal row together; or mark the phase 'transactional: false' and keep BEGIN ... COMMIT balanced");
                if (kind == StatementKind.TransactionStart) open = statement;
                else if (kind == StatementKind.TransactionEnd) open = null;
                if (kind == StatementKind.Cluster && !phase.ClusterStatements)
                    throw Refused(ErrorCodes.ClusterStatement, script, statement,
                        $"{script.FileName} acts on the whole cluster ({FirstWords(statement)}), beyond the database phase '{phase.Name}' migrates",
                        "move it out of the migration (databases, roles and tablespaces are provisioning), or declare it on purpose with "
                        + "'cluster_statements: true' on the phase or the plan (it is then rehearsed on a throwaway cluster)");
            }
            if (open is not null)
                throw Refused(ErrorCodes.TransactionLeftOpen, script, open,
                    $"{script.FileName} opens a transaction ({FirstWords(open)}) and never ends it",
                    "add COMMIT; at the end of the block (an open transaction would swallow the phase's changes and be rolled back)");
        }
    }

    /// <summary>Each script of the phase and whether it runs inside a transaction Sluice opens.</summary>
    private static IEnumerable<(PlanScript Script, bool InTransaction)> Scripts(MigrationPhase phase)
    {
        if (phase is ScriptPhase { Up: var up }) yield return (up, phase.Transactional);
        if (phase.Down is not null) yield return (phase.Down, phase.Transactional);
        if (phase.Verify is not null) yield return (phase.Verify, true);
        if (phase is BackfillPhase { Backfill: var backfill }) yield return (backfill.Batch, true);
    }

    private static string FirstWords(SqlStatement statement)
    {
        var words = statement.Code.Split((char[])[' ', '\n', '\r', '\t'], 4, StringSplitOptions.RemoveEmptyEntries).Take(3);
        return string.Join(' ', words);
    }

    private static SluiceException Refused(string code, PlanScript script, SqlStatement statement, string message, string remedy) =>
        SluiceException.Usage(code, message, remedy, script.Path, statement.Line);
}
