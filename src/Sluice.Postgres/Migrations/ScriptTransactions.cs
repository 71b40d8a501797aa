using Npgsql;
using Sluice.Errors;
using Sluice.Migrations.Leases;
using Sluice.Migrations.Plans;
using Sluice.Migrations.Running;
using Sluice.Rehearsal.Hints;

namespace Sluice.Postgres.Migrations;

/// <summary>
/// Whether a phase's script left its session's transaction as it found it. Plan checks (<see cref="ScriptRules"/>)
/// refuse what they can see; these are the checks of what the server actually did, for whatever they cannot see.
/// </summary>
internal static class ScriptTransactions
{
    /// <summary>The id of the transaction the session is in; outside a transaction block each call is a transaction of
    /// its own and gets a new one. Taken once when Sluice opens a phase's transaction, to compare against.</summary>
    public static async Task<long> CurrentAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        // txid_current rather than pg_current_xact_id: the same on every supported server version. No NpgsqlTransaction
        // is passed: the probe must run whatever the script did to the session's transaction.
        await using var command = new NpgsqlCommand("SELECT txid_current()", connection);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>After each statement run inside Sluice's own transaction (<paramref name="own"/>): a COMMIT or ROLLBACK
    /// in the script ends it, and what came before is then committed or gone without the phase's journal row. The
    /// session is rolled back (whatever the script opened since) and SLU118 thrown at once, before anything else runs.</summary>
    public static async Task EnsureOwnTransactionAsync(NpgsqlConnection connection, long own, PlanScript script, string statement, int line,
        CancellationToken cancellationToken)
    {
        if (await CurrentAsync(connection, cancellationToken) == own) return;
        await RollbackAsync(connection, cancellationToken);
        throw Left(script, line,
            $"{script.FileName} ended the phase's transaction with '{StatementText.FirstLine(statement)}' at line {line}: "
            + "the statements before it are committed or rolled back without the phase, and the phase is marked failed",
            "remove transaction control from the script (a transactional phase commits its SQL and its journal row together), "
            + "check what the statements before it changed, and run a fixed plan");
    }

    /// <summary>
    /// After a script run without Sluice's transaction: the session must be idle. A BEGIN left open would hold the
    /// script's changes and the phase's "done" row until the session ends, which rolls them back. The check is
    /// exact on the server: outside a transaction block every statement is a transaction of its own, so two statements
    /// get two transaction ids; inside one they share it. An open transaction is rolled back, then SLU118.
    /// </summary>
    public static async Task EnsureIdleAsync(NpgsqlConnection connection, PlanScript script, CancellationToken cancellationToken)
    {
        var first = await CurrentAsync(connection, cancellationToken);
        var second = await CurrentAsync(connection, cancellationToken);
        if (first != second) return;
        await RollbackAsync(connection, cancellationToken);
        var opened = SqlStatements.Parse(script.Sql).LastOrDefault(s => StatementClassifier.Classify(s.Code) == StatementKind.TransactionStart);
        var line = opened?.Line ?? 1;
        throw Left(script, line,
            $"{script.FileName} left a transaction open (opened at line {line}); it was rolled back, so what the script did after it is undone",
            "end the block with COMMIT; in the script (or remove BEGIN: a non-transactional phase runs each statement on its own)");
    }

    private static async Task RollbackAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        // Outside a block the server only warns; inside one this ends whatever the script left open.
        await using var rollback = new NpgsqlCommand("ROLLBACK", connection);
        await rollback.ExecuteNonQueryAsync(cancellationToken);
    }

    private static SluiceException Left(PlanScript script, int line, string message, string remedy) =>
        new(ErrorKind.Failure, ErrorCodes.ScriptLeftTransaction, message, remedy, script.Path, line);
}
