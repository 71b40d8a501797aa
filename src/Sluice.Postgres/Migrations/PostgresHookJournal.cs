using Npgsql;
using Sluice.Migrations.Hooks;
using Sluice.Secrets;

namespace Sluice.Postgres.Migrations;

/// <summary>Hook runs in <c>sluice.hook_runs</c> (journal step 12), each row committed on its own so it outlives the
/// failure or crash that follows; its detail passes through the run's redactor.</summary>
internal sealed class PostgresHookJournal(NpgsqlDataSource dataSource, ISecretRedactor redactor) : IHookJournal
{
    public async Task<IReadOnlyList<HookRunRecord>> ReadAsync(string planId, string phase, CancellationToken cancellationToken)
    {
        await JournalSchema.EnsureAsync(dataSource, cancellationToken);
        await using var command = dataSource.CreateCommand("""
            SELECT hook, direction, round, outcome, attempts, idempotency_key, detail
            FROM sluice.hook_runs WHERE plan_id = $1 AND phase = $2 ORDER BY id
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = planId });
        command.Parameters.Add(new NpgsqlParameter { Value = phase });
        var runs = new List<HookRunRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            runs.Add(new HookRunRecord(planId, phase, reader.GetString(0), Enum.Parse<HookDirection>(reader.GetString(1), ignoreCase: true),
                reader.GetInt32(2), Enum.Parse<HookOutcome>(reader.GetString(3), ignoreCase: true), reader.GetInt32(4), reader.GetString(5), reader.GetString(6)));
        return runs;
    }

    public async Task RecordAsync(HookRunRecord run, string environment, string by, CancellationToken cancellationToken)
    {
        await JournalSchema.EnsureAsync(dataSource, cancellationToken);
        // A success journaled twice (a second runner after a lost lease) stays one row: a hook succeeds once per round.
        await using var command = dataSource.CreateCommand("""
            INSERT INTO sluice.hook_runs (environment, plan_id, phase, hook, direction, round, outcome, attempts, idempotency_key, detail, run_by)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
            ON CONFLICT DO NOTHING
            """);
        foreach (var value in new object[] { environment, run.PlanId, run.Phase, run.Hook, Word(run.Direction), run.Round, Word(run.Outcome), run.Attempts,
                     run.IdempotencyKey, redactor.Redact(run.Detail), by })
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static string Word<T>(T value) where T : struct, Enum => value.ToString().ToLowerInvariant();
}
