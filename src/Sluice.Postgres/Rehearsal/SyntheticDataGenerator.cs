using System.Diagnostics;
using Npgsql;
using Sluice.Errors;
using Sluice.Postgres.Databases;
using Sluice.Rehearsal.Profiles;
using Sluice.Rehearsal.Synthetic;

namespace Sluice.Postgres.Rehearsal;

/// <summary>
/// Fills a database whose schema already exists with rows that follow a <see cref="DataProfile"/>: parents before
/// children, keys unique by construction, foreign keys with the profile's children-per-parent shape, values from
/// most-common values and histograms, NULLs at the null fraction. Tables of one dependency level are generated and
/// loaded in parallel, each with one binary COPY.
/// </summary>
public static class SyntheticDataGenerator
{
    public static async Task<SyntheticResult> FillAsync(string connectionString, DataProfile profile, SyntheticOptions options, CancellationToken cancellationToken)
    {
        var started = Stopwatch.StartNew();
        var target = await PostgresProfiler.ReadAsync(connectionString, new ProfileOptions("target", Analyze: false), cancellationToken);
        var levels = TableOrder.Levels(target.Tables);
        var plans = target.Tables.Select(t => TablePlan.For(t, profile.Table(t.Schema, t.Name))).ToList();
        var unsupported = plans.SelectMany(p => p.Unsupported).ToList();
        if (unsupported.Count > 0)
            throw new SluiceException(ErrorKind.Failure, RehearsalErrorCodes.Unsupported,
                $"synthetic data cannot honour: {string.Join("; ", unsupported)}",
                "drop or simplify these constraints in a rehearsal-only schema, or report the case so the generator learns it");

        var profiled = plans.Sum(p => p.Source?.RowCount ?? 0);
        var scale = profiled * options.Scale > options.RowBudget ? (double)options.RowBudget / profiled : options.Scale;
        var byName = plans.ToDictionary(p => p.Table.QualifiedName, StringComparer.Ordinal);
        var generated = new Dictionary<string, GeneratedTable>(StringComparer.Ordinal);
        var loads = new List<SyntheticTableLoad>();
        foreach (var level in levels)
        {
            var parents = new Dictionary<string, GeneratedTable>(generated, StringComparer.Ordinal);
            var results = await Task.WhenAll(level.Select(table => Task.Run(async () =>
            {
                var plan = byName[table.QualifiedName];
                var rows = (int)Math.Round((plan.Source?.RowCount ?? 0) * scale);
                var clock = Stopwatch.StartNew();
                var data = TableGenerator.Generate(plan, rows, parents, new Random(StableSeed(options.Seed, table.QualifiedName)));
                var generate = clock.Elapsed;
                clock.Restart();
                await CopyAsync(connectionString, table, data, cancellationToken);
                return (data, load: new SyntheticTableLoad(table.QualifiedName, rows, plan.Source?.RowCount ?? 0, generate, clock.Elapsed));
            }, cancellationToken)));
            foreach (var (data, load) in results)
            {
                generated[load.Table] = data;
                loads.Add(load);
            }
        }
        await FinishAsync(connectionString, cancellationToken);
        return new SyntheticResult(scale, loads, started.Elapsed);
    }

    // string.GetHashCode differs per process; the seed must not.
    private static int StableSeed(int seed, string table)
    {
        var hash = 2166136261u ^ (uint)seed;
        foreach (var c in table) hash = (hash ^ c) * 16777619u;
        return (int)(hash & 0x7fffffff);
    }

    private static async Task CopyAsync(string connectionString, TableProfile table, GeneratedTable data, CancellationToken cancellationToken)
    {
        if (data.Rows == 0 || data.Columns.Count == 0) return;
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        var columns = string.Join(", ", data.Columns.Select(c => Sql.Identifier(c.Name)));
        await using var writer = await connection.BeginBinaryImportAsync(
            $"COPY {PostgresProfiler.Qualified(table.Schema, table.Name)} ({columns}) FROM STDIN (FORMAT BINARY)", cancellationToken);
        for (var row = 0; row < data.Rows; row++)
        {
            if (row % 16384 == 0) cancellationToken.ThrowIfCancellationRequested();
            await writer.StartRowAsync(cancellationToken);
            foreach (var column in data.Columns) column.Write(writer, row);
        }
        await writer.CompleteAsync(cancellationToken);
    }

    // Identity and serial sequences continue after the generated keys; fresh statistics for the phases' plans.
    private static async Task FinishAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using (var command = new NpgsqlCommand("""
            DO $$
            DECLARE r record;
            BEGIN
              FOR r IN
                SELECT format('%I.%I', n.nspname, c.relname) AS tbl, a.attname AS col,
                       pg_get_serial_sequence(format('%I.%I', n.nspname, c.relname), a.attname) AS seq
                FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'sluice')
              LOOP
                IF r.seq IS NOT NULL THEN
                  EXECUTE format('SELECT setval(%L, coalesce((SELECT max(%I) FROM %s), 0) + 1, false)', r.seq, r.col, r.tbl);
                END IF;
              END LOOP;
            END $$;
            ANALYZE;
            """, connection))
            await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
