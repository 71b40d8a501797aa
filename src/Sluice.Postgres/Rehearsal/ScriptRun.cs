using System.Diagnostics;
using Npgsql;
using Sluice.Errors;
using Sluice.Migrations.Plans;
using Sluice.Migrations.Running;
using Sluice.Postgres.Migrations;
using Sluice.Rehearsal.Hints;

namespace Sluice.Postgres.Rehearsal;

/// <summary>What one statement of a phase did: its time, the table locks its transaction held after it, the tables it rewrote.</summary>
internal sealed record StatementRun(string Text, int Line, TimeSpan Duration, IReadOnlyList<(string Table, string Mode)> Locks, IReadOnlyList<string> Rewritten);

/// <summary>A statement that failed, with its place in the file.</summary>
internal sealed class StatementFailedException(PlanScript script, string statement, int line, Exception inner)
    : Exception($"{script.FileName}:{line}: {inner.Message}", inner)
{
    public PlanScript Script { get; } = script;
    public string Statement { get; } = statement;
    public int Line { get; } = line;
}

/// <summary>
/// Runs a phase's script statement by statement. In a transaction, every lock a statement takes is held to the
/// commit, so the locks and storage changes read after each statement are exact (no sampling) and belong to it.
/// </summary>
internal static class ScriptRunner
{
    public const string ApplicationName = "sluice-rehearsal-phase";

    /// <summary>Runs the script under the phase's lock and statement timeouts; a lock timeout runs it again, up to the phase's retries.</summary>
    public static async Task<IReadOnlyList<StatementRun>> RunAsync(string connectionString, MigrationPhase phase, PlanScript script, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await RunOnceAsync(connectionString, phase, script, cancellationToken);
            }
            catch (StatementFailedException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.LockNotAvailable } && attempt < Math.Max(1, phase.Retries))
            {
                // As the runner does: wait briefly and try again rather than queue every other session behind us.
                await Task.Delay(TimeSpan.FromMilliseconds(50 * attempt), cancellationToken);
            }
        }
    }

    private static async Task<IReadOnlyList<StatementRun>> RunOnceAsync(string connectionString, MigrationPhase phase, PlanScript script, CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = ApplicationName, Pooling = false };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var transaction = phase.Transactional ? await connection.BeginTransactionAsync(cancellationToken) : null;
        var timeouts = $"SET {(transaction is null ? "" : "LOCAL ")}lock_timeout = '{(long)phase.LockTimeout.TotalMilliseconds}ms'"
            + (phase.StatementTimeout is { } limit ? $"; SET {(transaction is null ? "" : "LOCAL ")}statement_timeout = '{(long)limit.TotalMilliseconds}ms'" : "");
        await using (var set = new NpgsqlCommand(timeouts, connection, transaction))
            await set.ExecuteNonQueryAsync(cancellationToken);
        var runs = new List<StatementRun>();
        var storage = await StorageAsync(connection, transaction, cancellationToken);
        long? own = transaction is null ? null : await ScriptTransactions.CurrentAsync(connection, cancellationToken);
        foreach (var statement in SqlStatements.Split(script.Sql))
        {
            var line = StatementText.LineOf(script.Sql, statement);
            var clock = Stopwatch.StartNew();
            try
            {
                await using var command = new NpgsqlCommand(statement, connection, transaction);
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
            catch (PostgresException e)
            {
                throw new StatementFailedException(script, statement, line, e);
            }
            var duration = clock.Elapsed;
            try
            {
                if (own is { } id) await ScriptTransactions.EnsureOwnTransactionAsync(connection, id, script, statement, line, cancellationToken);
            }
            catch (SluiceException e)
            {
                throw new StatementFailedException(script, statement, line, e);
            }
            IReadOnlyList<(string, string)> locks = transaction is null ? [] : await LocksAsync(connection, transaction, cancellationToken);
            var after = await StorageAsync(connection, transaction, cancellationToken);
            var rewritten = after.Where(p => storage.TryGetValue(p.Key, out var before) && before != p.Value).Select(p => p.Key).Order(StringComparer.Ordinal).ToList();
            storage = after;
            runs.Add(new StatementRun(statement, line, duration, locks, rewritten));
        }
        if (transaction is not null) await transaction.CommitAsync(cancellationToken);
        else
        {
            try
            {
                await ScriptTransactions.EnsureIdleAsync(connection, script, cancellationToken);
            }
            catch (SluiceException e)
            {
                throw new StatementFailedException(script, runs.LastOrDefault()?.Text ?? script.Sql, e.Line ?? 1, e);
            }
        }
        return runs;
    }

    private static async Task<List<(string, string)>> LocksAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            SELECT n.nspname || '.' || c.relname, l.mode
            FROM pg_locks l JOIN pg_class c ON c.oid = l.relation JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE l.pid = pg_backend_pid() AND l.locktype = 'relation' AND l.granted AND c.relkind IN ('r', 'p', 'm')
              AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'sluice') AND n.nspname NOT LIKE 'pg_%'
            ORDER BY 1, 2
            """, connection, transaction);
        var result = new List<(string, string)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) result.Add((reader.GetString(0), reader.GetString(1)));
        return result;
    }

    internal static async Task<Dictionary<string, uint>> StorageAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            SELECT n.nspname || '.' || c.relname, c.relfilenode
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'sluice') AND n.nspname NOT LIKE 'pg_%'
            """, connection, transaction);
        var result = new Dictionary<string, uint>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) result[reader.GetString(0)] = reader.GetFieldValue<uint>(1);
        return result;
    }
}
