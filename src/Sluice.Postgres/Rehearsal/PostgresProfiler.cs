using Npgsql;
using Sluice.Postgres.Databases;
using Sluice.Rehearsal.Profiles;

namespace Sluice.Postgres.Rehearsal;

/// <summary>
/// Reads a <see cref="DataProfile"/> from a database's catalog and planner statistics. Every query returns
/// aggregates (pg_stats, counts, children-per-parent histograms, pg_stat_statements' normalised statements); no row
/// and no parameter leaves the database.
/// </summary>
public static class PostgresProfiler
{
    public static async Task<DataProfile> ReadAsync(string connectionString, ProfileOptions options, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(WholeTableStatements.ConnectionString(connectionString));
        await connection.OpenAsync(cancellationToken);
        // Statistic values come back in text form: pin the settings that shape it so profiles compare across servers.
        await ExecuteAsync(connection, "SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'postgres'; SET extra_float_digits = 3", cancellationToken);
        if (options.Analyze)
        {
            if (options.StatisticsTarget is { } target)
                await ExecuteAsync(connection, $"SET default_statistics_target = {target}", cancellationToken);
            await ExecuteAsync(connection, "ANALYZE", cancellationToken);
        }

        var sensitive = options.Sensitive ?? SensitiveColumns.None;
        var tables = new List<TableProfile>();
        var found = await TablesAsync(connection, cancellationToken);
        // Read before the profile's own counts reach pg_stat_statements, so the mix is the application's alone.
        var statements = await StatementMixReader.ReadAsync(connection, found.Select(t => $"{t.Schema}.{t.Name}").ToHashSet(StringComparer.Ordinal),
            options.StatementWindow, options.TopStatements, cancellationToken);
        foreach (var (oid, schema, name, estimate) in found)
        {
            var rows = estimate >= options.ExactCountBelow
                ? (long)estimate
                : await ScalarAsync<long>(connection, $"SELECT count(*) FROM {Qualified(schema, name)}", cancellationToken);
            var columns = (await ColumnsAsync(connection, oid, schema, name, cancellationToken))
                .Select(c => sensitive.Contains(schema, name, c.Name) ? SensitiveMask.Apply(name, c) : c).ToList();
            var constraints = await ConstraintsAsync(connection, oid, cancellationToken);
            var foreignKeys = new List<ForeignKeyProfile>();
            foreach (var fk in constraints.Where(c => c.Type == 'f'))
                foreignKeys.Add(new ForeignKeyProfile(fk.Name, fk.Columns, fk.RefSchema!, fk.RefTable!, fk.RefColumns,
                    await ChildrenPerParentAsync(connection, schema, name, fk, cancellationToken)));
            var uniques = constraints.Where(c => c.Type == 'u').Select(c => c.Columns)
                .Concat(await UniqueIndexesAsync(connection, oid, cancellationToken))
                .DistinctBy(k => string.Join(",", k)).ToList();
            tables.Add(new TableProfile(schema, name, rows, columns,
                constraints.FirstOrDefault(c => c.Type == 'p')?.Columns ?? [],
                uniques,
                [.. constraints.Where(c => c.Type == 'c').Select(c => new CheckProfile(c.Name, c.Columns, c.Definition))],
                foreignKeys, await ActivityAsync(connection, oid, cancellationToken)));
        }
        return new DataProfile(DataProfile.CurrentVersion, options.Source, DateTimeOffset.UtcNow, tables, statements);
    }

    // Scans and row writes since the statistics were last reset (or the server started), per second: lint weighs a
    // lock on a table by it. Averages, not peaks; null when the statistics collector has nothing for the table.
    private static async Task<TableActivity?> ActivityAsync(NpgsqlConnection connection, uint oid, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            SELECT (s.seq_scan + coalesce(s.idx_scan, 0))::float8, (s.n_tup_ins + s.n_tup_upd + s.n_tup_del)::float8,
                   greatest(1, extract(epoch FROM now() - coalesce(d.stats_reset, pg_postmaster_start_time())))::float8
            FROM pg_stat_user_tables s JOIN pg_stat_database d ON d.datname = current_database()
            WHERE s.relid = $1
            """, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = oid, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Oid });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return null;
        var seconds = reader.GetDouble(2);
        return new TableActivity(Math.Round(reader.GetDouble(0) / seconds, 3), Math.Round(reader.GetDouble(1) / seconds, 3));
    }

    private static async Task<List<(uint Oid, string Schema, string Name, double Estimate)>> TablesAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            SELECT c.oid, n.nspname, c.relname, c.reltuples::float8
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast', 'sluice')
              AND n.nspname NOT LIKE 'pg_temp%' AND n.nspname NOT LIKE 'pg_toast_temp%'
            ORDER BY n.nspname, c.relname
            """, connection);
        var result = new List<(uint, string, string, double)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            result.Add((reader.GetFieldValue<uint>(0), reader.GetString(1), reader.GetString(2), reader.GetDouble(3)));
        return result;
    }

    private static async Task<List<ColumnProfile>> ColumnsAsync(NpgsqlConnection connection, uint oid, string schema, string table, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            SELECT a.attname, t.typname, a.atttypmod, a.attnotnull,
                   coalesce(s.null_frac, 0)::float8, coalesce(s.n_distinct, 0)::float8,
                   s.most_common_vals::text::text[], s.most_common_freqs::float8[],
                   s.histogram_bounds::text::text[], coalesce(s.avg_width, 0), s.correlation::float8
            FROM pg_attribute a
            JOIN pg_type t ON t.oid = a.atttypid
            LEFT JOIN pg_stats s ON s.schemaname = $1 AND s.tablename = $2 AND s.attname = a.attname AND NOT s.inherited
            WHERE a.attrelid = $3 AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
            ORDER BY a.attnum
            """, connection);
        command.Parameters.Add(new() { Value = schema });
        command.Parameters.Add(new() { Value = table });
        command.Parameters.Add(new() { Value = oid, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Oid });
        var result = new List<ColumnProfile>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var values = reader.IsDBNull(6) ? [] : reader.GetFieldValue<string[]>(6);
            var freqs = reader.IsDBNull(7) ? [] : reader.GetFieldValue<double[]>(7);
            result.Add(new ColumnProfile(
                reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.GetBoolean(3),
                reader.GetDouble(4), reader.GetDouble(5),
                [.. values.Zip(freqs, (v, f) => new ValueFrequency(v, f))],
                reader.IsDBNull(8) ? [] : reader.GetFieldValue<string[]>(8),
                reader.GetInt32(9),
                reader.IsDBNull(10) ? null : reader.GetDouble(10),
                Sensitive: false));
        }
        return result;
    }

    private sealed record Constraint(string Name, char Type, string[] Columns, string? RefSchema, string? RefTable, string[] RefColumns, string Definition);

    private static async Task<List<Constraint>> ConstraintsAsync(NpgsqlConnection connection, uint oid, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            SELECT con.conname, con.contype::text,
                   ARRAY(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(n, i)
                         JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n ORDER BY k.i)::text[],
                   fn.nspname, fc.relname,
                   ARRAY(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY k(n, i)
                         JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n ORDER BY k.i)::text[],
                   pg_get_constraintdef(con.oid)
            FROM pg_constraint con
            LEFT JOIN pg_class fc ON fc.oid = con.confrelid
            LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace
            WHERE con.conrelid = $1 AND con.contype IN ('p', 'u', 'c', 'f')
            ORDER BY con.conname
            """, connection);
        command.Parameters.Add(new() { Value = oid, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Oid });
        var result = new List<Constraint>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            result.Add(new Constraint(reader.GetString(0), reader.GetString(1)[0], reader.GetFieldValue<string[]>(2),
                reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.GetFieldValue<string[]>(5), reader.GetString(6)));
        return result;
    }

    // Unique indexes that are not constraints (CREATE UNIQUE INDEX): plain column lists only.
    private static async Task<List<string[]>> UniqueIndexesAsync(NpgsqlConnection connection, uint oid, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            SELECT ARRAY(SELECT a.attname FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(n, o)
                         JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.n ORDER BY k.o)::text[]
            FROM pg_index i
            WHERE i.indrelid = $1 AND i.indisunique AND NOT i.indisprimary AND i.indexprs IS NULL AND i.indpred IS NULL
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
            """, connection);
        command.Parameters.Add(new() { Value = oid, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Oid });
        var result = new List<string[]>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) result.Add(reader.GetFieldValue<string[]>(0));
        return result;
    }

    private static async Task<IReadOnlyList<ChildCount>> ChildrenPerParentAsync(NpgsqlConnection connection, string schema, string table, Constraint fk, CancellationToken cancellationToken)
    {
        var join = string.Join(" AND ", fk.Columns.Zip(fk.RefColumns, (c, r) => $"c.{Sql.Identifier(c)} = p.{Sql.Identifier(r)}"));
        var groupBy = string.Join(", ", fk.RefColumns.Select(r => $"p.{Sql.Identifier(r)}"));
        await using var command = new NpgsqlCommand($"""
            SELECT n, count(*) FROM (
                SELECT count(c.{Sql.Identifier(fk.Columns[0])}) AS n
                FROM {Qualified(fk.RefSchema!, fk.RefTable!)} p LEFT JOIN {Qualified(schema, table)} c ON {join}
                GROUP BY {groupBy}) per_parent
            GROUP BY n ORDER BY n
            """, connection);
        var result = new List<ChildCount>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) result.Add(new ChildCount(reader.GetInt64(0), reader.GetInt64(1)));
        return result;
    }

    internal static string Qualified(string schema, string table) => Sql.Qualified(schema, table);

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
