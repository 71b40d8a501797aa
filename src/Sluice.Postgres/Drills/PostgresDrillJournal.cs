using Npgsql;
using Sluice.Drills;
using Sluice.Postgres.Migrations;
using Sluice.Secrets;

namespace Sluice.Postgres.Drills;

/// <summary>Drill evidence in <c>sluice.drills</c> of the environment's database (journal step 13).</summary>
public sealed class PostgresDrillJournal(NpgsqlDataSource dataSource, ISecretRedactor? redactor = null) : IDrillJournal
{
    private const string Columns = "environment, scenario, started_at, outcome, time_to_restore, rows_missing, rows_changed, rows_extra, source, detail, run_by";

    public async Task RecordAsync(DrillResult result, CancellationToken cancellationToken)
    {
        await JournalSchema.EnsureAsync(dataSource, cancellationToken);
        await using var command = dataSource.CreateCommand(
            $"INSERT INTO sluice.drills ({Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)");
        var redact = redactor ?? SecretValues.None;
        foreach (var value in new object?[]
        {
            result.Environment, result.Scenario, result.StartedAt.UtcDateTime, Word(result.Outcome), result.TimeToRestore,
            result.RowsMissing, result.RowsChanged, result.RowsExtra, redact.Redact(result.Source), redact.Redact(result.Detail), result.By,
        })
            command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<DrillResult?> LatestAsync(string environment, string scenario, CancellationToken cancellationToken) =>
        (await ReadAsync("WHERE environment = $1 AND scenario = $2 ORDER BY started_at DESC LIMIT 1", [environment, scenario], cancellationToken)).FirstOrDefault();

    public Task<IReadOnlyList<DrillResult>> ListAsync(string environment, CancellationToken cancellationToken) =>
        ReadAsync("WHERE environment = $1 ORDER BY started_at", [environment], cancellationToken);

    private async Task<IReadOnlyList<DrillResult>> ReadAsync(string where, string[] arguments, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var exists = new NpgsqlCommand("SELECT to_regclass('sluice.drills') IS NOT NULL", connection))
            if (await exists.ExecuteScalarAsync(cancellationToken) is not true) return [];
        await using var command = new NpgsqlCommand($"SELECT {Columns} FROM sluice.drills {where}", connection);
        foreach (var argument in arguments) command.Parameters.Add(new NpgsqlParameter { Value = argument });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var results = new List<DrillResult>();
        while (await reader.ReadAsync(cancellationToken))
            results.Add(new DrillResult(reader.GetString(0), reader.GetString(1), new DateTimeOffset(reader.GetDateTime(2), TimeSpan.Zero), Outcome(reader.GetString(3)),
                reader.IsDBNull(4) ? null : reader.GetFieldValue<TimeSpan>(4), reader.GetInt64(5), reader.GetInt64(6), reader.GetInt64(7),
                reader.GetString(8), reader.GetString(9), reader.GetString(10)));
        return results;
    }

    private static string Word(DrillOutcome outcome) => outcome switch
    {
        DrillOutcome.Restored => "restored",
        DrillOutcome.DataLost => "data_lost",
        _ => "failed",
    };

    private static DrillOutcome Outcome(string word) => word switch
    {
        "restored" => DrillOutcome.Restored,
        "data_lost" => DrillOutcome.DataLost,
        _ => DrillOutcome.Failed,
    };
}
