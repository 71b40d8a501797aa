using System.Diagnostics;
using Npgsql;
using Sluice.Postgres.Databases;
using Sluice.Migrations.Journal;
using Sluice.Migrations.Plans;
using Sluice.Migrations.Running;

namespace Sluice.Postgres.Migrations;

/// <summary>Applies expand, switch and contract phases; see <see cref="IPhaseExecutor"/>. Promote and the rehearsal
/// both run phases here; the rehearsal watches each statement through an <see cref="IStatementObserver"/>.</summary>
public sealed class PostgresPhaseExecutor : IPhaseExecutor
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly IReadOnlyList<IStatementObserver> _observers;

    public PostgresPhaseExecutor(NpgsqlDataSource dataSource)
        : this(dataSource, [])
    {
    }

    internal PostgresPhaseExecutor(NpgsqlDataSource dataSource, IReadOnlyList<IStatementObserver> observers)
    {
        _dataSource = dataSource;
        _observers = observers;
    }

    public Task ApplyAsync(MigrationPlan plan, ScriptPhase phase, int attempt, RunnerIdentity by, CancellationToken cancellationToken) =>
        phase.Transactional
            ? ApplyInTransactionAsync(plan, phase, attempt, by, cancellationToken)
            : ApplyStatementByStatementAsync(plan, phase, attempt, by, cancellationToken);

    /// <summary>DDL, flag and journal row commit together: the journal can never say done for DDL that rolled back.</summary>
    private async Task ApplyInTransactionAsync(MigrationPlan plan, ScriptPhase phase, int attempt, RunnerIdentity by, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await SetTimeoutsAsync(connection, transaction, phase, local: true, cancellationToken);
        await MarkAsync(connection, transaction, plan, phase, attempt, by, "started", cancellationToken);
        await RunScriptAsync(connection, transaction, plan, phase, phase.Up, cancellationToken);
        if (phase.Flag is { } flag) await SetFlagAsync(connection, transaction, plan, phase, flag, enabled: true, cancellationToken);
        await MarkAsync(connection, transaction, plan, phase, attempt, by, "done", cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// For statements PostgreSQL refuses inside a transaction block: "started" commits first, each statement runs on
    /// its own, "done" commits last. A crash in between leaves "started", and the next run repeats the phase, which is
    /// why such phases must be written to be re-runnable.
    /// </summary>
    private async Task ApplyStatementByStatementAsync(MigrationPlan plan, ScriptPhase phase, int attempt, RunnerIdentity by, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await MarkAsync(connection, null, plan, phase, attempt, by, "started", cancellationToken);
        await SetTimeoutsAsync(connection, null, phase, local: false, cancellationToken);
        await RunScriptAsync(connection, null, plan, phase, phase.Up, cancellationToken);
        await using (var reset = new NpgsqlCommand("RESET lock_timeout; RESET statement_timeout", connection))
            await reset.ExecuteNonQueryAsync(cancellationToken);
        await MarkAsync(connection, null, plan, phase, attempt, by, "done", cancellationToken);
    }

    public async Task RevertAsync(MigrationPlan plan, MigrationPhase phase, bool runDown, int attempt, RunnerIdentity by, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        if (runDown && phase.Down is not null && !phase.Transactional)
        {
            // Like its up, a non-transactional down runs statement by statement and must be re-runnable: a crash
            // before the journal says reverted leaves the phase as it was, and the next rollback repeats the down.
            await SetTimeoutsAsync(connection, null, phase, local: false, cancellationToken);
            await RunScriptAsync(connection, null, plan, phase, phase.Down, cancellationToken);
            await using (var reset = new NpgsqlCommand("RESET lock_timeout; RESET statement_timeout", connection))
                await reset.ExecuteNonQueryAsync(cancellationToken);
            await MarkAsync(connection, null, plan, phase, attempt, by, "reverted", cancellationToken);
            return;
        }
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await SetTimeoutsAsync(connection, transaction, phase, local: true, cancellationToken);
        if (runDown && phase.Down is not null) await RunScriptAsync(connection, transaction, plan, phase, phase.Down, cancellationToken);
        if (runDown && phase is ScriptPhase { Flag: { } flag }) await SetFlagAsync(connection, transaction, plan, phase, flag, enabled: false, cancellationToken);
        if (phase is BackfillPhase)
        {
            // The next Migrate walks the table again from the start.
            await using var reset = new NpgsqlCommand("DELETE FROM sluice.backfill_checkpoints WHERE plan_id = $1 AND phase = $2", connection, transaction);
            reset.Parameters.Add(new() { Value = plan.Id });
            reset.Parameters.Add(new() { Value = phase.Name });
            await reset.ExecuteNonQueryAsync(cancellationToken);
        }
        await MarkAsync(connection, transaction, plan, phase, attempt, by, "reverted", cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>The database's name when it holds no table of its own, else null (asked on a connection of its own:
    /// the phase's transaction has failed).</summary>
    private async Task<string?> EmptyDatabaseAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        return await UserTables.FirstAsync(connection, cancellationToken) is null ? connection.Database : null;
    }

    /// <summary>Runs a script statement by statement (so an error's position maps to a line of the file, and so
    /// statements that refuse transaction blocks are each sent alone), and checks that the script left the session's
    /// transaction as it found it (SLU118).</summary>
    private async Task RunScriptAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, MigrationPlan plan, MigrationPhase phase,
        PlanScript script, CancellationToken cancellationToken)
    {
        long? own = transaction is null ? null : await ScriptTransactions.CurrentAsync(connection, cancellationToken);
        foreach (var statement in SqlStatements.Parse(script.Sql))
        {
            var sent = new PhaseStatement(connection, transaction, plan, phase, script, statement);
            foreach (var observer in _observers) await observer.BeforeAsync(sent, cancellationToken);
            var started = Stopwatch.GetTimestamp();
            try
            {
                await using var command = new NpgsqlCommand(statement.Text, connection, transaction);
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
            {
                // In a database without a single table the plan is not at fault: the service's schema was never loaded.
                throw PhaseErrors.Translate(e, plan, phase, script, statement, await EmptyDatabaseAsync(cancellationToken));
            }
            catch (PostgresException e)
            {
                throw PhaseErrors.Translate(e, plan, phase, script, statement);
            }
            var duration = Stopwatch.GetElapsedTime(started);
            if (own is { } id) await ScriptTransactions.EnsureOwnTransactionAsync(connection, id, script, statement.Text, statement.Line, cancellationToken);
            foreach (var observer in _observers) await observer.AfterAsync(sent, duration, cancellationToken);
        }
        if (transaction is null) await ScriptTransactions.EnsureIdleAsync(connection, script, cancellationToken);
    }

    public async Task<VerifyResult> VerifyAsync(MigrationPlan plan, MigrationPhase phase, CancellationToken cancellationToken)
    {
        var script = phase.Verify ?? throw new ArgumentException($"phase '{phase.Name}' has no verify", nameof(phase));
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await SetTimeoutsAsync(connection, transaction, phase, local: true, cancellationToken);
        try
        {
            await using var verify = new NpgsqlCommand(script.Sql, connection, transaction);
            var value = await verify.ExecuteScalarAsync(cancellationToken);
            return value switch
            {
                true => new VerifyResult(true, $"{script.FileName} returned true"),
                false => new VerifyResult(false, $"{script.FileName} returned false"),
                null or DBNull => new VerifyResult(false, $"{script.FileName} returned no value"),
                _ => new VerifyResult(false, $"{script.FileName} returned '{value}', not a boolean"),
            };
        }
        catch (PostgresException e)
        {
            return new VerifyResult(false, $"{script.FileName} raised {e.SqlState}: {e.MessageText}");
        }
    }

    private static async Task SetTimeoutsAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, MigrationPhase phase, bool local, CancellationToken cancellationToken)
    {
        var scope = local ? "LOCAL " : "";
        await using var command = new NpgsqlCommand(
            $"SET {scope}lock_timeout = '{JournalText.Milliseconds(phase.LockTimeout)}'; SET {scope}statement_timeout = '{JournalText.Milliseconds(phase.StatementTimeout)}'",
            connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    internal static async Task MarkAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, MigrationPlan plan, MigrationPhase phase,
        int attempt, RunnerIdentity by, string status, CancellationToken cancellationToken, bool keepStart = false)
    {
        await using var command = new NpgsqlCommand("""
            UPDATE sluice.phases
            SET status = $3, attempts = greatest(attempts, $4), last_error = NULL,
                started_at = CASE WHEN ($3 = 'started' AND NOT $8) OR started_at IS NULL THEN clock_timestamp() ELSE started_at END,
                finished_at = CASE WHEN $3 IN ('done', 'reverted') THEN clock_timestamp() END,
                run_by_user = $5, run_by_host = $6, ci_run_url = $7
            WHERE plan_id = $1 AND phase = $2
            """, connection, transaction);
        command.Parameters.Add(new() { Value = plan.Id });
        command.Parameters.Add(new() { Value = phase.Name });
        command.Parameters.Add(new() { Value = status });
        command.Parameters.Add(new() { Value = attempt });
        PostgresMigrationJournal.AddIdentity(command, by);
        // A backfill marks itself started with every batch; its start time is the first batch's.
        command.Parameters.Add(new() { Value = keepStart });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task SetFlagAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, MigrationPlan plan, MigrationPhase phase,
        string flag, bool enabled, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            INSERT INTO sluice.feature_flags (name, enabled, plan_id, phase) VALUES ($1, $2, $3, $4)
            ON CONFLICT (name) DO UPDATE SET enabled = excluded.enabled, updated_at = now(), plan_id = excluded.plan_id, phase = excluded.phase
            """, connection, transaction);
        command.Parameters.Add(new() { Value = flag });
        command.Parameters.Add(new() { Value = enabled });
        command.Parameters.Add(new() { Value = plan.Id });
        command.Parameters.Add(new() { Value = phase.Name });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
