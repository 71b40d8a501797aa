using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Sluice.Canary;
using Sluice.Canary.Analysis;
using Sluice.Canary.Definition;
using Sluice.Canary.Running;
using Sluice.Postgres.Migrations;
using Sluice.Secrets;
using static Sluice.Postgres.Releases.PostgresReleaseJournal;

namespace Sluice.Postgres.Canary;

/// <summary>Canaries in schema <c>sluice</c> of the target database (journal step 9): <c>canaries</c>, one row per
/// measurement in <c>canary_steps</c> and one per judgement in <c>canary_judgements</c>, with the numbers behind its
/// verdict. Free text passes through <paramref name="redactor"/> first.</summary>
public sealed class PostgresCanaryJournal(NpgsqlDataSource dataSource, ISecretRedactor redactor) : ICanaryJournal
{
    public Task EnsureAsync(CancellationToken cancellationToken) => JournalSchema.EnsureAsync(dataSource, cancellationToken);

    public async Task<long> StartAsync(CanaryContext context, CanaryStrategy strategy, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO sluice.canaries (environment, plan_id, strategy, outcome, run_by, started_at) VALUES ($1, $2, $3, 'running', $4, $5) RETURNING id
            """);
        Add(command, context.Environment, context.PlanId, Snake(strategy), context.By, at);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task RecordMeasurementAsync(long canary, CanaryMeasurement measurement, CancellationToken cancellationToken)
    {
        var (a, d) = (measurement.Analysis, measurement.Decision);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection, transaction);
        // The measurement's number is the next one of this canary, taken in the same statement.
        batch.BatchCommands.Add(Command("""
            INSERT INTO sluice.canary_steps (canary_id, measurement, step, weight, window_start, window_end, verdict, reason, action, rule, decision)
            SELECT $1, coalesce(max(measurement), 0) + 1, $2, $3, $4, $5, $6, $7, $8, $9, $10 FROM sluice.canary_steps WHERE canary_id = $1
            """, canary, a.Step, a.Weight, a.Window.Start, a.Window.End, Snake(a.Verdict), redactor.Redact(a.Reason), Snake(d.Action), d.Rule, redactor.Redact(d.Reason)));
        foreach (var (j, i) in a.Judgements.Select((j, i) => (j, i)))
            batch.BatchCommands.Add(Command("""
                INSERT INTO sluice.canary_judgements (canary_id, measurement, ordinal, metric, source, check_name, verdict, reason, canary_count,
                    baseline_count, canary_value, baseline_value, limit_value, comparison, differing_keys)
                SELECT $1, max(measurement), $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14 FROM sluice.canary_steps WHERE canary_id = $1
                """, canary, i + 1, j.Metric, j.Source, j.Check, Snake(j.Verdict), redactor.Redact(j.Reason), j.CanaryCount, j.BaselineCount,
                j.CanaryValue, j.BaselineValue, j.Limit,
                j.Comparison is null ? null : new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = JsonSerializer.Serialize(j.Comparison) },
                j.DifferingKeys is null ? null : j.DifferingKeys.ToArray()));
        await batch.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task FinishAsync(long canary, CanaryOutcome outcome, string reason, DateTimeOffset at, TimeSpan? backOnBaselineAfter,
        CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            UPDATE sluice.canaries SET outcome = $2, reason = $3, finished_at = $4, back_on_baseline_ms = $5 WHERE id = $1
            """);
        Add(command, canary, Snake(outcome), redactor.Redact(reason), at, backOnBaselineAfter?.TotalMilliseconds);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task RecordRollbackAsync(long canary, bool succeeded, string detail, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("UPDATE sluice.canaries SET outcome = $2, rollback_detail = $3 WHERE id = $1");
        Add(command, canary, Snake(succeeded ? CanaryOutcome.RolledBack : CanaryOutcome.RollbackFailed), redactor.Redact(detail));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public Task<IReadOnlyList<CanaryRecord>> ReadAsync(int last, CancellationToken cancellationToken) =>
        ReadWhereAsync("SELECT id FROM sluice.canaries ORDER BY id DESC LIMIT $1", [last], cancellationToken);

    public async Task<CanaryRecord?> FindUnderWayAsync(string environment, CancellationToken cancellationToken) =>
        (await ReadWhereAsync("SELECT id FROM sluice.canaries WHERE environment = $1 AND outcome = 'running' ORDER BY id DESC LIMIT 1",
            [environment], cancellationToken)).SingleOrDefault();

    public async Task<CanaryRecord?> FindLatestOfPlanAsync(string environment, string planId, CancellationToken cancellationToken) =>
        (await ReadWhereAsync("SELECT id FROM sluice.canaries WHERE environment = $1 AND plan_id = $2 ORDER BY id DESC LIMIT 1",
            [environment, planId], cancellationToken)).SingleOrDefault();

    /// <param name="ids">A query for the canaries' ids over <paramref name="values"/>.</param>
    private async Task<IReadOnlyList<CanaryRecord>> ReadWhereAsync(string ids, object[] values, CancellationToken cancellationToken)
    {
        var judgements = new Dictionary<(long, int), List<MetricJudgement>>();
        var steps = new Dictionary<long, List<CanaryMeasurement>>();
        var canaries = new List<Func<CanaryRecord>>();
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(Command($"""
            SELECT id, environment, plan_id, strategy, outcome, reason, run_by, started_at, finished_at, back_on_baseline_ms, rollback_detail
            FROM sluice.canaries WHERE id IN ({ids}) ORDER BY id
            """, values));
        batch.BatchCommands.Add(Command($"""
            SELECT canary_id, measurement, metric, source, check_name, verdict, reason, canary_count, baseline_count, canary_value, baseline_value,
                   limit_value, comparison::text, differing_keys
            FROM sluice.canary_judgements WHERE canary_id IN ({ids}) ORDER BY canary_id, measurement, ordinal
            """, values));
        batch.BatchCommands.Add(Command($"""
            SELECT canary_id, measurement, step, weight, window_start, window_end, verdict, reason, action, rule, decision
            FROM sluice.canary_steps WHERE canary_id IN ({ids}) ORDER BY canary_id, measurement
            """, values));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var (id, environment, plan, strategy, outcome, reason, by, started) = (reader.GetInt64(0), reader.GetString(1), Text(reader, 2),
                Parse<CanaryStrategy>(reader.GetString(3)), Parse<CanaryOutcome>(reader.GetString(4)), reader.GetString(5), reader.GetString(6),
                reader.GetFieldValue<DateTimeOffset>(7));
            DateTimeOffset? finished = reader.IsDBNull(8) ? null : reader.GetFieldValue<DateTimeOffset>(8);
            TimeSpan? back = reader.IsDBNull(9) ? null : TimeSpan.FromMilliseconds(reader.GetDouble(9));
            var detail = Text(reader, 10);
            canaries.Add(() => new CanaryRecord(id, environment, plan, strategy, outcome, reason, by, started, finished, back, detail,
                steps.TryGetValue(id, out var m) ? m : []));
        }
        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var comparison = Text(reader, 12) is { } json ? JsonSerializer.Deserialize<ComparisonFigures>(json) : null;
            var key = (reader.GetInt64(0), reader.GetInt32(1));
            if (!judgements.TryGetValue(key, out var list)) judgements[key] = list = [];
            list.Add(new MetricJudgement(reader.GetString(2), reader.GetString(3), reader.GetString(4), Parse<Verdict>(reader.GetString(5)),
                reader.GetString(6), reader.GetInt64(7), reader.GetInt64(8), Number(reader, 9), Number(reader, 10), Number(reader, 11), comparison,
                reader.IsDBNull(13) ? null : reader.GetFieldValue<string[]>(13)));
        }
        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var (id, measurement) = (reader.GetInt64(0), reader.GetInt32(1));
            var analysis = new StepAnalysis(reader.GetInt32(2), reader.GetInt32(3),
                new MetricWindow(reader.GetFieldValue<DateTimeOffset>(4), reader.GetFieldValue<DateTimeOffset>(5)), Parse<Verdict>(reader.GetString(6)),
                reader.GetString(7), judgements.TryGetValue((id, measurement), out var j) ? j : []);
            if (!steps.TryGetValue(id, out var list)) steps[id] = list = [];
            list.Add(new CanaryMeasurement(analysis, new CanaryDecision(Parse<CanaryAction>(reader.GetString(8)), reader.GetInt32(9), reader.GetString(10))));
        }
        return [.. canaries.Select(c => c())];
    }

    private static NpgsqlBatchCommand Command(string sql, params object?[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
            command.Parameters.Add(value as NpgsqlParameter ?? new NpgsqlParameter { Value = value ?? DBNull.Value });
        return command;
    }

    private static void Add(NpgsqlCommand command, params object?[] values)
    {
        foreach (var value in values) command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
    }

    private static string? Text(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static double? Number(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetDouble(ordinal);
}
