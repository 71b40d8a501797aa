using Npgsql;
using Sluice.Postgres.Migrations;
using Sluice.Trains;

namespace Sluice.Postgres.Releases;

/// <summary>A service's journal of release trains (<c>sluice.trains</c>, <c>sluice.train_members</c>, journal step 11).</summary>
internal sealed class PostgresTrainJournal(NpgsqlDataSource dataSource) : ITrainJournal
{
    public async Task RecordStartAsync(TrainRecord train, CancellationToken cancellationToken)
    {
        await JournalSchema.EnsureAsync(dataSource, cancellationToken);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var insert = new NpgsqlCommand(
            "INSERT INTO sluice.trains (id, environment, services, run_by, started_at, outcome) VALUES ($1, $2, $3, $4, $5, 'running')", connection, transaction))
        {
            insert.Parameters.Add(new() { Value = train.Id });
            insert.Parameters.Add(new() { Value = train.Environment });
            insert.Parameters.Add(new() { Value = train.Services.ToArray() });
            insert.Parameters.Add(new() { Value = train.By });
            insert.Parameters.Add(new() { Value = train.StartedAt });
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        for (var i = 0; i < train.Steps.Count; i++)
        {
            var (service, plan, phase) = Split(train.Steps[i]);
            await using var member = new NpgsqlCommand("INSERT INTO sluice.train_members (train_id, position, service, plan_id, phase) VALUES ($1, $2, $3, $4, $5)",
                connection, transaction);
            member.Parameters.Add(new() { Value = train.Id });
            member.Parameters.Add(new() { Value = i + 1 });
            member.Parameters.Add(new() { Value = service });
            member.Parameters.Add(new() { Value = plan });
            member.Parameters.Add(new() { Value = phase });
            await member.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task RecordEndAsync(Guid id, TrainOutcome outcome, string detail, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var update = new NpgsqlCommand("UPDATE sluice.trains SET outcome = $2, detail = $3, finished_at = clock_timestamp() WHERE id = $1", connection);
        update.Parameters.Add(new() { Value = id });
        update.Parameters.Add(new() { Value = TrainRecord.Word(outcome) });
        update.Parameters.Add(new() { Value = detail });
        await update.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<TrainRecord?> ReadLastAsync(string environment, CancellationToken cancellationToken)
    {
        await JournalSchema.EnsureAsync(dataSource, cancellationToken);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""
            SELECT t.id, t.services, t.run_by, t.started_at, t.outcome, t.detail, t.finished_at,
                   coalesce((SELECT array_agg(m.service || '/' || m.plan_id || '@' || m.phase ORDER BY m.position) FROM sluice.train_members m WHERE m.train_id = t.id), '{}')
            FROM sluice.trains t WHERE t.environment = $1 ORDER BY t.started_at DESC LIMIT 1
            """, connection);
        command.Parameters.Add(new() { Value = environment });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return null;
        var outcome = Enum.GetValues<TrainOutcome>().First(o => TrainRecord.Word(o) == reader.GetString(4));
        return new TrainRecord(reader.GetGuid(0), environment, reader.GetFieldValue<string[]>(1), reader.GetFieldValue<string[]>(7), reader.GetString(2),
            reader.GetFieldValue<DateTimeOffset>(3), outcome, reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6));
    }

    private static (string Service, string Plan, string Phase) Split(string key)
    {
        var slash = key.IndexOf('/');
        var at = key.LastIndexOf('@');
        return (key[..slash], key[(slash + 1)..at], key[(at + 1)..]);
    }
}
