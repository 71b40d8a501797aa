using Npgsql;
using Sluice.Migrations.Backfill;
using Sluice.Migrations.Journal;
using Sluice.Migrations.Plans;
using Sluice.Secrets;

namespace Sluice.Postgres.Migrations;

/// <summary>The journal in schema <c>sluice</c> of the target database. Free text it keeps (event messages, phase errors,
/// often an exception's message) passes through <paramref name="redactor"/> first.</summary>
public sealed class PostgresMigrationJournal(NpgsqlDataSource dataSource, ISecretRedactor redactor) : IMigrationJournal
{
    public Task EnsureAsync(CancellationToken cancellationToken) => JournalSchema.EnsureAsync(dataSource, cancellationToken);

    public async Task<PlanRecord?> FindPlanAsync(string planId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT plan_id, hash, status, first_seen_at, updated_at FROM sluice.plans WHERE plan_id = $1");
        command.Parameters.Add(new() { Value = planId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadPlan(reader) : null;
    }

    public async Task RecordPlanAsync(MigrationPlan plan, RunnerIdentity by, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var insert = new NpgsqlCommand("""
            INSERT INTO sluice.plans (plan_id, hash, status, run_by_user, run_by_host, ci_run_url)
            VALUES ($1, $2, 'pending', $3, $4, $5) ON CONFLICT (plan_id) DO NOTHING
            """, connection, transaction);
        insert.Parameters.Add(new() { Value = plan.Id });
        insert.Parameters.Add(new() { Value = plan.Hash });
        AddIdentity(insert, by);
        var inserted = await insert.ExecuteNonQueryAsync(cancellationToken) == 1;
        // Phase rows exist from the start so Status and the checkpoints' foreign key have them.
        for (var i = 0; i < plan.Phases.Count; i++)
        {
            await using var phase = new NpgsqlCommand("""
                INSERT INTO sluice.phases (plan_id, phase, ordinal, kind, status) VALUES ($1, $2, $3, $4, 'pending')
                ON CONFLICT (plan_id, phase) DO NOTHING
                """, connection, transaction);
            phase.Parameters.Add(new() { Value = plan.Id });
            phase.Parameters.Add(new() { Value = plan.Phases[i].Name });
            phase.Parameters.Add(new() { Value = i + 1 });
            phase.Parameters.Add(new() { Value = JournalText.Of(plan.Phases[i].Kind) });
            await phase.ExecuteNonQueryAsync(cancellationToken);
        }
        if (inserted)
            await InsertEventAsync(connection, transaction, new JournalEvent(JournalEventKind.PlanRecorded, plan.Id, null,
                $"plan recorded with hash {plan.Hash}", by), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<PhaseRecord>> ReadPhasesAsync(string planId, CancellationToken cancellationToken) =>
        (await ReadPhaseRowsAsync([planId], cancellationToken)).ToList();

    public async Task MarkPhaseFailedAsync(MigrationPlan plan, MigrationPhase phase, int attempts, string error, RunnerIdentity by, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            UPDATE sluice.phases SET status = 'failed', attempts = $3, finished_at = clock_timestamp(), last_error = $4,
                   started_at = coalesce(started_at, clock_timestamp()), run_by_user = $5, run_by_host = $6, ci_run_url = $7
            WHERE plan_id = $1 AND phase = $2
            """);
        command.Parameters.Add(new() { Value = plan.Id });
        command.Parameters.Add(new() { Value = phase.Name });
        command.Parameters.Add(new() { Value = attempts });
        command.Parameters.Add(new() { Value = redactor.Redact(error) });
        AddIdentity(command, by);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task SetPlanStatusAsync(string planId, JournalStatus status, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("UPDATE sluice.plans SET status = $2, updated_at = now() WHERE plan_id = $1");
        command.Parameters.Add(new() { Value = planId });
        command.Parameters.Add(new() { Value = JournalText.Of(status) });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task RecordEventAsync(JournalEvent journalEvent, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await InsertEventAsync(connection, null, journalEvent with { Message = redactor.Redact(journalEvent.Message) }, cancellationToken);
    }

    public async Task<IReadOnlyList<PlanJournal>> ReadAllAsync(int eventsPerPlan, CancellationToken cancellationToken)
    {
        var plans = new List<PlanRecord>();
        await using (var command = dataSource.CreateCommand("SELECT plan_id, hash, status, first_seen_at, updated_at FROM sluice.plans ORDER BY plan_id"))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            while (await reader.ReadAsync(cancellationToken)) plans.Add(ReadPlan(reader));
        var phases = await ReadPhaseRowsAsync(null, cancellationToken);
        var checkpoints = await ReadCheckpointsAsync(cancellationToken);
        var result = new List<PlanJournal>();
        foreach (var plan in plans)
        {
            var events = await ReadEventsAsync(plan.PlanId, cancellationToken);
            result.Add(new PlanJournal(plan, phases.Where(p => p.PlanId == plan.PlanId).ToList(),
                checkpoints.Where(c => c.PlanId == plan.PlanId).ToList(), events.TakeLast(eventsPerPlan).ToList()));
        }
        return result;
    }

    public async Task<IReadOnlyList<RecordedEvent>> ReadEventsAsync(string? planId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT id, at, kind, plan_id, phase, attempt, message, run_by_user, run_by_host, ci_run_url
            FROM sluice.events WHERE plan_id IS NOT DISTINCT FROM $1 ORDER BY id
            """);
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = planId, DataTypeName = "text" });
        var events = new List<RecordedEvent>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            events.Add(new RecordedEvent(reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1), JournalText.EventKind(reader.GetString(2)),
                NullableString(reader, 3), NullableString(reader, 4), reader.IsDBNull(5) ? null : reader.GetInt32(5), reader.GetString(6),
                new RunnerIdentity(reader.GetString(7), reader.GetString(8), NullableString(reader, 9))));
        return events;
    }

    internal static async Task InsertEventAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, JournalEvent e, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            INSERT INTO sluice.events (kind, plan_id, phase, attempt, message, run_by_user, run_by_host, ci_run_url)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            """, connection, transaction);
        command.Parameters.Add(new() { Value = JournalText.Of(e.Kind) });
        command.Parameters.Add(new() { Value = (object?)e.PlanId ?? DBNull.Value });
        command.Parameters.Add(new() { Value = (object?)e.Phase ?? DBNull.Value });
        command.Parameters.Add(new() { Value = (object?)e.Attempt ?? DBNull.Value });
        command.Parameters.Add(new() { Value = e.Message });
        AddIdentity(command, e.By);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    internal static void AddIdentity(NpgsqlCommand command, RunnerIdentity by)
    {
        command.Parameters.Add(new() { Value = by.User });
        command.Parameters.Add(new() { Value = by.Host });
        command.Parameters.Add(new() { Value = (object?)by.CiRunUrl ?? DBNull.Value });
    }

    private async Task<IReadOnlyList<PhaseRecord>> ReadPhaseRowsAsync(string[]? planIds, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT plan_id, phase, kind, status, attempts, started_at, finished_at, run_by_user, run_by_host, ci_run_url, last_error
            FROM sluice.phases WHERE $1::text[] IS NULL OR plan_id = ANY($1) ORDER BY plan_id, ordinal
            """);
        command.Parameters.Add(new NpgsqlParameter<string[]?> { TypedValue = planIds, DataTypeName = "text[]" });
        var phases = new List<PhaseRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            phases.Add(new PhaseRecord(reader.GetString(0), reader.GetString(1), JournalText.Kind(reader.GetString(2)), JournalText.Status(reader.GetString(3)),
                reader.GetInt32(4), NullableTime(reader, 5), NullableTime(reader, 6),
                reader.IsDBNull(7) ? null : new RunnerIdentity(reader.GetString(7), reader.GetString(8), NullableString(reader, 9)),
                NullableString(reader, 10)));
        return phases;
    }

    private async Task<IReadOnlyList<BackfillCheckpoint>> ReadCheckpointsAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT plan_id, phase, last_key, rows_done, batches, completed, updated_at FROM sluice.backfill_checkpoints ORDER BY plan_id, phase");
        var checkpoints = new List<BackfillCheckpoint>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) checkpoints.Add(ReadCheckpoint(reader));
        return checkpoints;
    }

    internal static BackfillCheckpoint ReadCheckpoint(NpgsqlDataReader reader) =>
        new(reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4),
            reader.GetBoolean(5), reader.GetFieldValue<DateTimeOffset>(6));

    private static PlanRecord ReadPlan(NpgsqlDataReader reader) =>
        new(reader.GetString(0), reader.GetString(1), JournalText.Status(reader.GetString(2)),
            reader.GetFieldValue<DateTimeOffset>(3), reader.GetFieldValue<DateTimeOffset>(4));

    private static string? NullableString(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static DateTimeOffset? NullableTime(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<DateTimeOffset>(ordinal);
}
