using Npgsql;
using Sluice.Migrations.Invariants;

namespace Sluice.Postgres.Migrations;

/// <summary>Evaluates the service's invariants in the target database and journals each check in
/// <c>sluice.invariant_checks</c> (journal step 10).</summary>
internal sealed class PostgresInvariantStore(NpgsqlDataSource dataSource) : IInvariantStore
{
    public async Task<string> EvaluateAsync(string sql, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(sql);
        object? value;
        try
        {
            value = await command.ExecuteScalarAsync(cancellationToken);
        }
        catch (PostgresException e)
        {
            throw new InvariantQueryFailedException($"{e.SqlState}: {e.MessageText}", e);
        }
        return value is null or DBNull ? "null" : Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "null";
    }

    public async Task RecordAsync(InvariantCheck check, CancellationToken cancellationToken)
    {
        await JournalSchema.EnsureAsync(dataSource, cancellationToken);
        await using var command = dataSource.CreateCommand(
            "INSERT INTO sluice.invariant_checks (plan_id, checkpoint, invariant, value, passed, detail) VALUES ($1, $2, $3, $4, $5, $6)");
        foreach (var value in new object[] { check.PlanId, check.Checkpoint, check.Invariant, check.Value, check.Passed, check.Detail })
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<string?> BeforeValueAsync(string planId, string invariant, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT value FROM sluice.invariant_checks WHERE plan_id = $1 AND invariant = $2 AND checkpoint = 'before' ORDER BY id DESC LIMIT 1");
        command.Parameters.Add(new NpgsqlParameter { Value = planId });
        command.Parameters.Add(new NpgsqlParameter { Value = invariant });
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    public async Task<ReleasedValue?> LastReleaseValueAsync(string planId, string invariant, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT c.plan_id, c.value, c.at FROM sluice.invariant_checks c JOIN sluice.plans p ON p.plan_id = c.plan_id
            WHERE p.status = 'done' AND c.plan_id <> $1 AND c.invariant = $2 AND c.passed
            ORDER BY p.updated_at DESC, c.id DESC LIMIT 1
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = planId });
        command.Parameters.Add(new NpgsqlParameter { Value = invariant });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? new ReleasedValue(reader.GetString(0), reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2)) : null;
    }
}
