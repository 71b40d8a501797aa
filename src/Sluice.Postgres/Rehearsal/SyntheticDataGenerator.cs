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
/// most-common values and histograms, NULLs at the null fraction. The target's keys, indexes and foreign keys are set
/// aside during the load and rebuilt after it (<see cref="DeferredStructure"/>), so every table loads with one binary
/// COPY into a bare heap, several at once; the database is meant for the purpose (a rehearsal's ephemeral database).
/// </summary>
public static class SyntheticDataGenerator
{
    public static async Task<SyntheticResult> FillAsync(string connectionString, DataProfile profile, SyntheticOptions options, CancellationToken cancellationToken)
    {
        var started = Stopwatch.StartNew();
        connectionString = WholeTableStatements.ConnectionString(connectionString);
        var target = await PostgresProfiler.ReadAsync(connectionString, new ProfileOptions("target", Analyze: false), cancellationToken);
        var order = TableOrder.Plan(target.Tables);
        var plans = target.Tables.Select(t => TablePlan.For(t, profile.Table(t.Schema, t.Name))).ToList();
        var unsupported = plans.SelectMany(p => p.Unsupported).ToList();
        if (unsupported.Count > 0)
            throw new SluiceException(ErrorKind.Failure, ErrorCodes.Unsupported,
                $"synthetic data cannot honour: {string.Join("; ", unsupported)}",
                "drop or simplify these constraints in a rehearsal-only schema, or report the case so the generator learns it");

        var profiled = plans.Sum(p => p.Source?.RowCount ?? 0);
        var scale = profiled * options.Scale > options.RowBudget ? (double)options.RowBudget / profiled : options.Scale;
        var byName = plans.ToDictionary(p => p.Table.QualifiedName, StringComparer.Ordinal);
        var deferred = order.Deferred.Select(d => (d.Table.QualifiedName, d.Key.Name)).ToHashSet();
        var degree = Math.Max(2, Environment.ProcessorCount);

        DeferredStructure structure;
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync(cancellationToken);
            structure = await DeferredStructure.SetAsideAsync(connection, [.. target.Tables.Select(t => PostgresProfiler.Qualified(t.Schema, t.Name))], cancellationToken);
        }
        var prepare = started.Elapsed;

        // Levels are generated in order (children pick their parents' rows); generating a table builds its columns as
        // functions of the row index and its foreign keys' parent rows, and the values are computed as its COPY
        // streams them, so a table's COPY starts at once, beside the generation of the next level.
        var generated = new Dictionary<string, GeneratedTable>(StringComparer.Ordinal);
        var kept = ReferencedColumns(target.Tables, order.Deferred);
        var copies = new List<Task<(SyntheticTableLoad Load, CopyWindow Window)>>();
        // Not disposed: after a failure, loads still running release it on their way out.
        var connections = new SemaphoreSlim(degree);
        foreach (var level in order.Levels)
        {
            var parents = new Dictionary<string, GeneratedTable>(generated, StringComparer.Ordinal);
            var results = await Task.WhenAll(level.Select(table => Task.Run(() =>
            {
                var plan = byName[table.QualifiedName];
                var rows = (int)Math.Round((plan.Source?.RowCount ?? 0) * scale);
                var clock = Stopwatch.StartNew();
                var data = TableGenerator.Generate(plan, rows, parents, deferred, new Random(StableSeed(options.Seed, table.QualifiedName)));
                return (table, plan, data, generate: clock.Elapsed);
            }, cancellationToken)));
            foreach (var (table, plan, data, generate) in results)
            {
                // Only the columns a later table picks from stay referenced (their parent-row arrays, for a foreign key
                // picked again); the rest go once the table is copied.
                generated[table.QualifiedName] = data.Keep(kept.GetValueOrDefault(table.QualifiedName) ?? []);
                copies.Add(LoadAsync(connectionString, table, plan, data, generate, structure, connections, started, cancellationToken));
            }
            // With the foreign keys still in place (they could not be set aside), a child's COPY checks its parents'
            // rows, which must be committed first.
            if (!structure.Bare) await Task.WhenAll(copies);
        }
        var loaded = await Task.WhenAll(copies);
        var copyStarted = loaded.Length == 0 ? started.Elapsed : loaded.Min(l => l.Window.Started);
        var copyEnded = loaded.Length == 0 ? started.Elapsed : loaded.Max(l => l.Window.Ended);
        foreach (var key in order.Deferred)
            await SetDeferredAsync(connectionString, byName[key.Table.QualifiedName], key.Key, generated, options.Seed, cancellationToken);
        await structure.RebuildForeignKeysAsync(connectionString, degree, cancellationToken);
        var rebuild = started.Elapsed - copyEnded;
        var finishClock = Stopwatch.StartNew();
        await FinishAsync(connectionString, cancellationToken);
        return new SyntheticResult(scale, [.. loaded.Select(l => l.Load)], started.Elapsed)
        {
            Prepare = prepare, CopyPhase = copyEnded - copyStarted, Rebuild = rebuild, Finish = finishClock.Elapsed, DeferredObjects = structure.Count,
        };
    }

    /// <summary>Per table, the columns read after its own generation: those its children's foreign keys pick from, and
    /// for a key set after the load, the child's primary key and the parent's referenced columns.</summary>
    private static Dictionary<string, HashSet<string>> ReferencedColumns(IReadOnlyList<TableProfile> tables, IEnumerable<DeferredKey> deferred)
    {
        var kept = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        void Add(string table, IEnumerable<string> columns)
        {
            if (!kept.TryGetValue(table, out var set)) kept[table] = set = new HashSet<string>(StringComparer.Ordinal);
            set.UnionWith(columns);
        }
        foreach (var table in tables)
            foreach (var key in table.ForeignKeys)
                Add($"{key.ReferencedSchema}.{key.ReferencedTable}", key.ReferencedColumns);
        foreach (var key in deferred) Add(key.Table.QualifiedName, key.Table.PrimaryKey);
        return kept;
    }

    // string.GetHashCode differs per process; the seed must not.
    private static int StableSeed(int seed, string table)
    {
        var hash = 2166136261u ^ (uint)seed;
        foreach (var c in table) hash = (hash ^ c) * 16777619u;
        return (int)(hash & 0x7fffffff);
    }

    // A foreign key that closed a cycle was loaded as NULL; now that its parent exists, set it through a temporary
    // table keyed by the child's primary key (one COPY and one UPDATE, not a statement per row).
    private static async Task SetDeferredAsync(string connectionString, TablePlan plan, Sluice.Rehearsal.Profiles.ForeignKeyProfile key,
        IReadOnlyDictionary<string, GeneratedTable> generated, int seed, CancellationToken cancellationToken)
    {
        var table = plan.Table;
        var child = generated[table.QualifiedName];
        var parent = generated[$"{key.ReferencedSchema}.{key.ReferencedTable}"];
        if (child.Rows == 0 || parent.Rows == 0) return;
        if (table.PrimaryKey.Count == 0)
            throw new SluiceException(ErrorKind.Failure, ErrorCodes.Unsupported,
                $"foreign key {key.Name} closes a cycle and {table.QualifiedName} has no primary key to set it by", "give the table a primary key");
        var rows = TableGenerator.PickParents(plan, key, child.Rows, parent.Rows, new Random(StableSeed(seed, table.QualifiedName + "/" + key.Name)));
        var values = key.Columns.Select((c, i) => parent.Column(key.ReferencedColumns[i]).Pick(c, rows));
        var fix = new GeneratedTable(child.Rows, [.. table.PrimaryKey.Select(child.Column), .. values]);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        var columns = string.Join(", ", fix.Columns.Select(c => Sql.Identifier(c.Name)));
        var qualified = PostgresProfiler.Qualified(table.Schema, table.Name);
        await using (var create = new NpgsqlCommand($"CREATE TEMP TABLE sluice_deferred_key AS SELECT {columns} FROM {qualified} WITH NO DATA", connection))
            await create.ExecuteNonQueryAsync(cancellationToken);
        await CopyAsync(connection, "sluice_deferred_key", fix, cancellationToken);
        var set = string.Join(", ", key.Columns.Select(c => $"{Sql.Identifier(c)} = f.{Sql.Identifier(c)}"));
        var match = string.Join(" AND ", table.PrimaryKey.Select(c => $"t.{Sql.Identifier(c)} = f.{Sql.Identifier(c)}"));
        await using var update = new NpgsqlCommand($"UPDATE {qualified} t SET {set} FROM sluice_deferred_key f WHERE {match}; DROP TABLE sluice_deferred_key", connection);
        await update.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>When one table's COPY ran, on the generator's clock.</summary>
    private sealed record CopyWindow(TimeSpan Started, TimeSpan Ended)
    {
        public TimeSpan Duration => Ended - Started;
    }

    /// <summary>Loads one table, then builds its keys and indexes on the same connection while other tables load.</summary>
    private static async Task<(SyntheticTableLoad Load, CopyWindow Window)> LoadAsync(string connectionString, TableProfile profile, TablePlan plan,
        GeneratedTable data, TimeSpan generate, DeferredStructure structure, SemaphoreSlim connections, Stopwatch clock, CancellationToken cancellationToken)
    {
        var table = PostgresProfiler.Qualified(profile.Schema, profile.Name);
        await connections.WaitAsync(cancellationToken);
        try
        {
            var begun = clock.Elapsed;
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            // An empty table with nothing referencing it is truncated first: COPY FREEZE writes its rows already
            // frozen (no hint-bit writes when the rebuild and ANALYZE read them), and with wal_level minimal the
            // new file needs no WAL. A table that already holds rows only gets more.
            var freeze = structure.Bare && await IsEmptyAsync(connection, table, cancellationToken);
            if (freeze)
            {
                await using var truncate = new NpgsqlCommand($"TRUNCATE ONLY {table}", connection, transaction);
                await truncate.ExecuteNonQueryAsync(cancellationToken);
            }
            if (data.Rows > 0 && data.Columns.Count > 0) await CopyAsync(connection, table, data, cancellationToken, freeze);
            await transaction.CommitAsync(cancellationToken);
            var window = new CopyWindow(begun, clock.Elapsed);
            await structure.RebuildTableAsync(connection, table, cancellationToken);
            return (new SyntheticTableLoad(profile.QualifiedName, data.Rows, plan.Source?.RowCount ?? 0, generate, window.Duration), window);
        }
        finally
        {
            connections.Release();
        }
    }

    private static async Task<bool> IsEmptyAsync(NpgsqlConnection connection, string table, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT NOT EXISTS (SELECT FROM ONLY {table})", connection);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static async Task CopyAsync(NpgsqlConnection connection, string table, GeneratedTable data, CancellationToken cancellationToken, bool freeze = false)
    {
        var columns = string.Join(", ", data.Columns.Select(c => Sql.Identifier(c.Name)));
        await using var writer = await connection.BeginBinaryImportAsync($"COPY {table} ({columns}) FROM STDIN (FORMAT BINARY{(freeze ? ", FREEZE" : "")})", cancellationToken);
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
