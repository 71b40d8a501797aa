using Npgsql;
using Sluice.Migrations.Plans;
using Sluice.Postgres.Databases;
using Sluice.Postgres.Fingerprints;

namespace Sluice.Postgres.Rehearsal;

/// <summary>A row whose new representation is not what the backfill computes from its old one, and the columns that differ.</summary>
internal sealed record BackfillGap(string Key, IReadOnlyList<string> Columns);

/// <summary>
/// After a backfill: is the new representation complete and equal to what the old one implies, for every row,
/// rows written while the backfill ran included? The backfill's own batch says what "implies" means: it runs once
/// over the whole key range in a transaction that is rolled back, and every row it would still change is a row the
/// backfill (or the trigger that should keep the columns in step) missed.
/// </summary>
internal static class BackfillCheck
{
    public const int SampleLimit = 20;

    /// <returns>How many rows differ, and the first <see cref="SampleLimit"/> of them by key.</returns>
    public static async Task<(long Count, IReadOnlyList<BackfillGap> Sample)> RunAsync(string connectionString, BackfillPhase phase, CancellationToken cancellationToken)
    {
        var spec = phase.Backfill;
        var (table, key) = (Sql.Qualified(spec.TableName), Sql.Qualified(spec.KeyName));
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var columns = new List<string>();
        await using (var read = new NpgsqlCommand(
                         "SELECT attname FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum", connection, transaction)
                     { Parameters = { new() { Value = table } } })
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
            while (await reader.ReadAsync(cancellationToken)) columns.Add(reader.GetString(0));

        await using (var copy = new NpgsqlCommand($"CREATE TEMP TABLE sluice_backfill_before ON COMMIT DROP AS SELECT * FROM {table}", connection, transaction))
            await copy.ExecuteNonQueryAsync(cancellationToken);
        await using (var batch = new NpgsqlCommand(spec.Batch.Sql, connection, transaction))
        {
            batch.Parameters.AddWithValue("lower", long.MinValue);
            batch.Parameters.AddWithValue("upper", long.MaxValue);
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }
        var changed = string.Join(", ", columns.Select(c =>
            $"CASE WHEN a.{Sql.Identifier(c)}::text IS DISTINCT FROM b.{Sql.Identifier(c)}::text THEN {SourceSql.Quote(c)} END"));
        var gaps = new List<BackfillGap>();
        long count = 0;
        await using (var compare = new NpgsqlCommand($"""
                         SELECT b.{key}::text, array_remove(ARRAY[{changed}], NULL), count(*) OVER ()
                         FROM sluice_backfill_before b LEFT JOIN {table} a ON a.{key} = b.{key}
                         WHERE a IS NULL OR a::text IS DISTINCT FROM b::text
                         ORDER BY b.{key} LIMIT {SampleLimit}
                         """, connection, transaction))
        await using (var reader = await compare.ExecuteReaderAsync(cancellationToken))
            while (await reader.ReadAsync(cancellationToken))
            {
                gaps.Add(new BackfillGap(reader.GetString(0), reader.GetFieldValue<string[]>(1)));
                count = reader.GetInt64(2);
            }
        await transaction.RollbackAsync(cancellationToken);
        return (count, gaps);
    }
}
