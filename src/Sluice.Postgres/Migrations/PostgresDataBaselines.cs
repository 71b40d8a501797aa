using System.Diagnostics;
using System.Text.Json;
using Npgsql;
using Sluice.Fingerprints;
using Sluice.Migrations.Journal;
using Sluice.Postgres.Fingerprints;

namespace Sluice.Postgres.Migrations;

/// <summary>
/// Data baselines in the journal (<c>sluice.data_baselines</c>, one row per table): each touched table read in one
/// snapshot by the fingerprint service, cut into chunks at its key's statistics, with every column's non-NULL count
/// and hash per chunk, so a comparison names the table, the column and the key ranges. Only the columns in the plan's
/// schema baseline are hashed: the ones the plan's own phases added go with their downs.
/// </summary>
public sealed class PostgresDataBaselines(NpgsqlDataSource dataSource, FingerprintOptions? options = null) : IDataBaselines
{
    private readonly FingerprintOptions _options = options ?? FingerprintOptions.Default;

    public async Task<DataBaselineTaken> RecordAsync(string planId, IReadOnlyList<string> tables, CancellationToken cancellationToken)
    {
        var before = await SchemaBeforeAsync(planId, cancellationToken);
        var taken = new List<(TableBaseline Baseline, TimeSpan Took)>();
        var started = Stopwatch.GetTimestamp();
        await using (var session = await ReadSession.OpenAsync(dataSource, _options.Degree, cancellationToken))
        {
            foreach (var table in tables)
            {
                if (before is not null && !before.Any(o => o.Kind == "table" && o.Name == table)) continue;
                if (!await ExistsAsync(session, table, cancellationToken)) continue;
                var tableStarted = Stopwatch.GetTimestamp();
                await using var reader = new PostgresFingerprintReader(session, FingerprintSource.Table(Quoted(table)));
                var shape = await reader.DescribeAsync(cancellationToken);
                var columns = shape.Columns.Where(c => before is null || before.Any(o => o.Kind == "column" && o.Name == $"{table}.{c.Name}")).ToList();
                var bounds = shape.Locatable ? await reader.SplitPointsAsync(KeyRange.All, _options.Chunks, cancellationToken) : [];
                var chunks = await reader.HashColumnsAsync(new HashPlan(columns), KeyRange.All.Split(bounds), cancellationToken);
                taken.Add((new TableBaseline(table, shape.Key, columns, chunks), Stopwatch.GetElapsedTime(tableStarted)));
            }
        }
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var forget = new NpgsqlCommand("DELETE FROM sluice.data_baselines WHERE plan_id = $1", connection, transaction))
        {
            forget.Parameters.Add(new() { Value = planId });
            await forget.ExecuteNonQueryAsync(cancellationToken);
        }
        foreach (var (baseline, took) in taken)
        {
            await using var insert = new NpgsqlCommand(
                "INSERT INTO sluice.data_baselines (plan_id, table_name, took_ms, rows, baseline) VALUES ($1, $2, $3, $4, $5::jsonb)", connection, transaction);
            foreach (var value in new object[] { planId, baseline.Table, (long)took.TotalMilliseconds, baseline.Rows, JsonSerializer.Serialize(baseline) })
                insert.Parameters.Add(new() { Value = value });
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return new DataBaselineTaken([.. taken.Select(t => t.Baseline.Table)], taken.Sum(t => t.Baseline.Rows), Stopwatch.GetElapsedTime(started));
    }

    public async Task<bool> ExistsAsync(string planId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT EXISTS (SELECT FROM sluice.data_baselines WHERE plan_id = $1)");
        command.Parameters.Add(new() { Value = planId });
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<DataCheck> CheckAsync(string planId, CancellationToken cancellationToken)
    {
        var baselines = new List<TableBaseline>();
        DateTime takenAt = default;
        await using (var read = dataSource.CreateCommand("SELECT taken_at, baseline::text FROM sluice.data_baselines WHERE plan_id = $1 ORDER BY table_name"))
        {
            read.Parameters.Add(new() { Value = planId });
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                takenAt = reader.GetDateTime(0);
                baselines.Add(JsonSerializer.Deserialize<TableBaseline>(reader.GetString(1))!);
            }
        }
        if (baselines.Count == 0)
            return new DataCheck(DataVerdict.Unverified, [], [], "data not verified: no data baseline was taken before the plan's first destructive phase (none of its tables existed before it, or it ran under an older Sluice)");
        if (await PostgresSchemaBaselines.OtherPlansSinceAsync(dataSource, planId, takenAt, cancellationToken) is { } plans)
            return new DataCheck(DataVerdict.Unverified, [], [], $"data not verified: plan(s) {plans} changed the database after this plan's data baseline");

        var checks = new List<TableDataCheck>();
        var differences = new List<string>();
        await using (var session = await ReadSession.OpenAsync(dataSource, _options.Degree, cancellationToken))
        {
            foreach (var before in baselines)
            {
                if (!await ExistsAsync(session, before.Table, cancellationToken))
                {
                    checks.Add(BaselineComparison.Compare(before, null));
                    continue;
                }
                await using var reader = new PostgresFingerprintReader(session, FingerprintSource.Table(Quoted(before.Table)));
                var shape = await reader.DescribeAsync(cancellationToken);
                if (!shape.Key.SequenceEqual(before.Key, StringComparer.Ordinal))
                {
                    differences.Add($"{before.Table}: its key is ({string.Join(", ", shape.Key)}), it was ({string.Join(", ", before.Key)}); its rows cannot be compared");
                    continue;
                }
                var plan = HashPlan.Common(new SourceShape(before.Columns, before.Key), shape);
                var ranges = before.Chunks.Count == 1 ? [KeyRange.All] : KeyRange.All.Split(before.Bounds);
                var chunks = await reader.HashColumnsAsync(plan, ranges, cancellationToken);
                checks.Add(BaselineComparison.Compare(before, new TableBaseline(before.Table, shape.Key, plan.Columns, chunks)));
            }
        }
        var lost = new List<LostValues>();
        foreach (var loss in checks.SelectMany(c => c.Lost))
            lost.Add(loss with { Keys = await Guarded(() => NullKeysAsync(baselines.First(b => b.Table == loss.Table), loss, cancellationToken)) });
        differences.AddRange(checks.SelectMany(c => c.Differences()));
        var rows = baselines.Sum(b => b.Rows);
        var at = $"{takenAt:yyyy-MM-dd HH:mm:ss} UTC";
        if (lost.Count > 0)
            return new DataCheck(DataVerdict.Lost, lost, differences, $"data lost: {string.Join("; ", lost)}");
        if (differences.Count > 0)
            return new DataCheck(DataVerdict.Unverified, [], differences,
                $"data not verified: {string.Join("; ", differences.Take(5))}{(differences.Count > 5 ? "; ..." : "")}; rows the application wrote after the data baseline ({at}) differ this way too, so this cannot be told from a down that changed them");
        return new DataCheck(DataVerdict.Equal, [], [],
            $"data verified: {string.Join(", ", baselines.Select(b => b.Table))} ({rows:N0} rows) equal the baseline taken at {at}, column by column");
    }

    public async Task ForgetAsync(string planId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM sluice.data_baselines WHERE plan_id = $1");
        command.Parameters.Add(new() { Value = planId });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>A few keys, in the ranges where the column lost values, of rows whose value is NULL now: where to look.</summary>
    private async Task<IReadOnlyList<RowKey>> NullKeysAsync(TableBaseline before, LostValues loss, CancellationToken cancellationToken)
    {
        if (before.Key.Count == 0) return [];
        var sql = new SourceSql($"{Quoted(before.Table)} AS src", [.. before.Key.Select(k => before.Columns.First(c => c.Name == k))]);
        var ranges = string.Join(" OR ", loss.Ranges.Select(r => sql.Where(r) is { Length: > 0 } where ? $"({where[" WHERE ".Length..]})" : "true"));
        await using var command = dataSource.CreateCommand(
            $"SELECT {sql.KeyText} FROM {sql.From} WHERE {SourceSql.Column(loss.Column)} IS NULL AND ({ranges}) ORDER BY {sql.OrderBy} LIMIT {SampleKeys}");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var keys = new List<RowKey>();
        while (await reader.ReadAsync(cancellationToken))
            keys.Add(new RowKey([.. Enumerable.Range(0, before.Key.Count).Select(i => reader.IsDBNull(i) ? "NULL" : reader.GetString(i))]));
        return keys;
    }

    private const int SampleKeys = 5;

    // A missing column or a table gone has no rows to point at; the loss stands without them.
    private static async Task<IReadOnlyList<RowKey>> Guarded(Func<Task<IReadOnlyList<RowKey>>> read)
    {
        try
        {
            return await read();
        }
        catch (PostgresException)
        {
            return [];
        }
    }

    /// <summary>The catalog objects of the plan's schema baseline, or null when it has none.</summary>
    private async Task<List<SchemaObject>?> SchemaBeforeAsync(string planId, CancellationToken cancellationToken)
    {
        await using var read = dataSource.CreateCommand("SELECT objects::text FROM sluice.schema_baselines WHERE plan_id = $1");
        read.Parameters.Add(new() { Value = planId });
        return await read.ExecuteScalarAsync(cancellationToken) is string objects ? JsonSerializer.Deserialize<List<SchemaObject>>(objects) : null;
    }

    private static Task<bool> ExistsAsync(ReadSession session, string table, CancellationToken cancellationToken) =>
        session.RunAsync(async connection =>
        {
            await using var command = new NpgsqlCommand("SELECT to_regclass($1) IS NOT NULL", connection) { Parameters = { new() { Value = Quoted(table) } } };
            return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
        }, cancellationToken);

    // StatementTargets spells a table as the schema fingerprint does (raw names, public left out); quoted, it resolves
    // to exactly that table.
    private static string Quoted(string table) => string.Join('.', table.Split('.').Select(SourceSql.Identifier));
}
