using System.Diagnostics;
using Npgsql;
using Sluice.Migrations.Backfill;
using Sluice.Migrations.Journal;
using Sluice.Migrations.Plans;
using Sluice.Migrations.Running;
using Sluice.Postgres.Databases;

namespace Sluice.Postgres.Migrations;

/// <summary>Keyset batches over the key, each committed with its checkpoint; see <see cref="IBackfillExecutor"/>.</summary>
public sealed class PostgresBackfillExecutor(NpgsqlDataSource dataSource) : IBackfillExecutor
{
    /// <summary>The comment the batch's statement carries on the server, right after its first keyword
    /// (<see cref="Marked"/>): <c>pg_stat_statements</c> keeps the comments inside a statement's text, so the writers'
    /// latency (<see cref="PostgresWriterLatency"/>) can leave the backfill's own write out, and an operator sees in
    /// <c>pg_stat_activity</c> which session is the backfill.</summary>
    internal const string StatementMark = "/* sluice backfill */";

    /// <summary>
    /// The batch's SQL with <see cref="StatementMark"/> after its first keyword (<c>UPDATE /* sluice backfill */
    /// customers ...</c>). Not before it: PostgreSQL 18 starts a statement's text at its first token, leaving out the
    /// comments in front (14 to 17 keep them). On the same line, so an error's position still falls on the script's line.
    /// </summary>
    internal static string Marked(string sql)
    {
        var i = 0;
        while (i < sql.Length)
        {
            if (char.IsWhiteSpace(sql[i])) i++;
            else if (string.CompareOrdinal(sql, i, "--", 0, 2) == 0) i = NextLine(sql, i);
            else if (string.CompareOrdinal(sql, i, "/*", 0, 2) == 0) i = sql.IndexOf("*/", i + 2, StringComparison.Ordinal) is var end and >= 0 ? end + 2 : sql.Length;
            else break;
        }
        var word = i;
        while (word < sql.Length && (char.IsLetter(sql[word]) || sql[word] == '_')) word++;
        return $"{sql[..word]} {StatementMark}{sql[word..]}";
    }

    private static int NextLine(string sql, int from) => sql.IndexOf('\n', from) is var end and >= 0 ? end + 1 : sql.Length;

    public async Task<BackfillCheckpoint?> ReadCheckpointAsync(string planId, string phase, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT plan_id, phase, last_key, rows_done, batches, completed, updated_at FROM sluice.backfill_checkpoints WHERE plan_id = $1 AND phase = $2");
        command.Parameters.Add(new() { Value = planId });
        command.Parameters.Add(new() { Value = phase });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? PostgresMigrationJournal.ReadCheckpoint(reader) : null;
    }

    public async Task<long> CountRemainingAsync(BackfillSpec spec, long? afterKey, CancellationToken cancellationToken)
    {
        var (table, key) = Names(spec);
        await using var command = dataSource.CreateCommand(afterKey is null
            ? $"SELECT count(*) FROM {table}"
            : $"SELECT count(*) FROM {table} WHERE {key} > $1");
        if (afterKey is { } after) command.Parameters.Add(new() { Value = after });
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<BackfillBatchResult> RunBatchAsync(MigrationPlan plan, BackfillPhase phase, long? afterKey, int batchSize, RunnerIdentity by,
        CancellationToken cancellationToken)
    {
        var spec = phase.Backfill;
        var (table, key) = Names(spec);
        var clock = Stopwatch.StartNew();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var timeouts = new NpgsqlCommand(
                         $"SET LOCAL lock_timeout = '{JournalText.Milliseconds(phase.LockTimeout)}'; SET LOCAL statement_timeout = '{JournalText.Milliseconds(phase.StatementTimeout)}'",
                         connection, transaction))
            await timeouts.ExecuteNonQueryAsync(cancellationToken);

        // The batch's key range: the next batchSize keys after the checkpoint, read from the key's index.
        long? lower = null, upper = null;
        var keys = 0;
        await using (var range = new NpgsqlCommand(afterKey is null
                         ? $"SELECT min({key}), max({key}), count(*) FROM (SELECT {key} FROM {table} ORDER BY {key} LIMIT $1) b"
                         : $"SELECT min({key}), max({key}), count(*) FROM (SELECT {key} FROM {table} WHERE {key} > $2 ORDER BY {key} LIMIT $1) b",
                         connection, transaction))
        {
            range.Parameters.Add(new() { Value = batchSize });
            if (afterKey is { } after) range.Parameters.Add(new() { Value = after });
            await using var reader = await range.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            if (!reader.IsDBNull(0))
            {
                lower = afterKey ?? Convert.ToInt64(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture) - 1;
                upper = Convert.ToInt64(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture);
                keys = (int)reader.GetInt64(2);
            }
        }

        long rows = 0;
        if (upper is not null)
        {
            var sql = Marked(spec.Batch.Sql);
            try
            {
                await using var batch = new NpgsqlCommand(sql, connection, transaction);
                batch.Parameters.AddWithValue("lower", lower!.Value);
                batch.Parameters.AddWithValue("upper", upper.Value);
                rows = Math.Max(0, await batch.ExecuteNonQueryAsync(cancellationToken));
            }
            catch (PostgresException e)
            {
                // The server's position counts the mark: the statement as sent maps it back to the file's line.
                throw PhaseErrors.Translate(e, plan, phase, spec.Batch,
                    new SqlStatement(sql, 0, 1, SqlStatements.Parse(spec.Batch.Sql).FirstOrDefault()?.Line ?? 1, sql));
            }
        }

        var finished = upper is null;
        BackfillCheckpoint checkpoint;
        await using (var save = new NpgsqlCommand("""
                         INSERT INTO sluice.backfill_checkpoints AS c (plan_id, phase, last_key, rows_done, batches, completed, updated_at)
                         VALUES ($1, $2, $3, $4, $5, $6, clock_timestamp())
                         ON CONFLICT (plan_id, phase) DO UPDATE
                         SET last_key = coalesce(excluded.last_key, c.last_key), rows_done = c.rows_done + excluded.rows_done,
                             batches = c.batches + excluded.batches, completed = excluded.completed, updated_at = excluded.updated_at
                         RETURNING plan_id, phase, last_key, rows_done, batches, completed, updated_at
                         """, connection, transaction))
        {
            save.Parameters.Add(new() { Value = plan.Id });
            save.Parameters.Add(new() { Value = phase.Name });
            save.Parameters.Add(new NpgsqlParameter<long?> { TypedValue = upper ?? afterKey, DataTypeName = "bigint" });
            save.Parameters.Add(new() { Value = rows });
            save.Parameters.Add(new() { Value = finished ? 0L : 1L });
            save.Parameters.Add(new() { Value = finished });
            await using var reader = await save.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            checkpoint = PostgresMigrationJournal.ReadCheckpoint(reader);
        }
        await PostgresPhaseExecutor.MarkAsync(connection, transaction, plan, phase, 1, by, finished ? "done" : "started", cancellationToken,
            keepStart: true);
        var (blocked, longestWait) = await BlockedWritersAsync(connection, transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new BackfillBatchResult(upper, rows, keys, clock.Elapsed, finished, checkpoint) { BlockedWriters = blocked, LongestWriterWait = longestWait };
    }

    /// <summary>The sessions waiting on this transaction's locks right before it commits, and the longest wait among
    /// them: a writer blocked by a batch waits until the commit, so this is what the batch cost the writers.</summary>
    private static async Task<(int Blocked, TimeSpan? LongestWait)> BlockedWritersAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            SELECT count(*)::int, max(clock_timestamp() - query_start)
            FROM pg_stat_activity
            WHERE wait_event_type = 'Lock' AND pg_backend_pid() = ANY(pg_blocking_pids(pid))
            """, connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetInt32(0), reader.IsDBNull(1) ? null : reader.GetFieldValue<TimeSpan>(1));
    }

    public async Task<double?> EstimateRowBytesAsync(BackfillSpec spec, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT CASE WHEN reltuples > 0 THEN pg_relation_size(oid)::float8 / reltuples END FROM pg_class WHERE oid = $1::regclass");
        command.Parameters.Add(new() { Value = Names(spec).Table });
        return await command.ExecuteScalarAsync(cancellationToken) is double bytes ? bytes : null;
    }

    private static (string Table, string Key) Names(BackfillSpec spec) => (Sql.Qualified(spec.TableName), Sql.Qualified(spec.KeyName));
}
