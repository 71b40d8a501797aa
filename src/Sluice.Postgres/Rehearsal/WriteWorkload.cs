using System.Text.Json;
using System.Text.RegularExpressions;
using Npgsql;
using Sluice.Fingerprints;
using Sluice.Postgres.Fingerprints;

namespace Sluice.Postgres.Rehearsal;

/// <summary>
/// The writes the old version of the application makes while phases run, on every touched table (one the pending
/// plans' scripts name, with a one-column primary key): updates that copy the columns the table had before the plan
/// from another row (real values, within the table's checks and foreign keys), deletes, and re-inserts of deleted rows
/// under their old key, behind any backfill cursor, where a keyset walk never looks again. Every choice comes from the
/// seed, and only a seeded sample of keys per table is ever written, so a comparison of states can leave exactly
/// those rows aside: they are the application's, not the phase's to restore; instead, a revert must leave them as the
/// application wrote them (<see cref="LostWritesAsync"/>). One caller at a time.
/// </summary>
internal sealed class WriteWorkload
{
    /// <param name="Name">The table, quoted and qualified as <c>regclass</c> prints it.</param>
    /// <param name="Key">Its primary key column (quoted).</param>
    /// <param name="KeyType">The key's type, to cast keys passed as text.</param>
    /// <param name="Columns">Columns (quoted) the table had before the plan, outside any key: the ones an update copies.</param>
    /// <param name="RoundKeys">The keys of the rounds at fixed points (between backfill batches, after each phase).</param>
    /// <param name="BesideKeys">The keys of the writes made beside a running phase, whenever the scheduler lets them in.</param>
    /// <param name="Donors">Rows, none of them written, whose values an update or re-insert copies.</param>
    internal sealed record Table(string Name, string Key, string KeyType, IReadOnlyList<string> Columns, IReadOnlyList<string> RoundKeys,
        IReadOnlyList<string> BesideKeys, IReadOnlyList<string> Donors)
    {
        /// <summary>Every key the workload writes.</summary>
        public IReadOnlyList<string> Keys => [.. RoundKeys, .. BesideKeys];
    }

    // Rounds and writes beside a phase draw from streams of their own and write keys of their own, so the rounds
    // replay exactly under their seed however many writes the scheduler let in beside the phases.
    private sealed class Lane(int seed, Func<Table, IReadOnlyList<string>> keys)
    {
        public Random Random { get; } = new(seed);
        public Func<Table, IReadOnlyList<string>> Keys { get; } = keys;
        public Dictionary<string, List<string>> Deleted { get; } = new(StringComparer.Ordinal);
    }

    private readonly Lane _rounds, _beside;
    // Each written row as the write left it (to_jsonb of the row, after triggers), or null when deleted last.
    private readonly Dictionary<(string Table, string Key), string?> _written = [];

    private WriteWorkload(int seed, IReadOnlyList<Table> tables) =>
        (Seed, Tables, _rounds, _beside) = (seed, tables, new Lane(seed, t => t.RoundKeys), new Lane(unchecked(seed * 31 + 17), t => t.BesideKeys));

    public int Seed { get; }

    public IReadOnlyList<Table> Tables { get; }

    /// <summary>Picks the touched tables and, per table, the seeded keys to write and the donor rows.</summary>
    public static async Task<WriteWorkload> PrepareAsync(string connectionString, IEnumerable<string> scripts, int seed, int keysPerTable,
        CancellationToken cancellationToken)
    {
        var text = string.Join('\n', scripts);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        var candidates = new List<(string Name, string Relation, string Key, string KeyType, string[] Columns)>();
        await using (var command = new NpgsqlCommand("""
            SELECT c.oid::regclass::text, c.relname, quote_ident(k.attname), format_type(k.atttypid, k.atttypmod),
                   ARRAY(SELECT quote_ident(a.attname) FROM pg_attribute a
                         WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '' AND a.attidentity = ''
                           AND NOT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisunique AND a.attnum = ANY (i.indkey))
                         ORDER BY a.attnum)
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_constraint p ON p.conrelid = c.oid AND p.contype = 'p' AND cardinality(p.conkey) = 1
            JOIN pg_attribute k ON k.attrelid = c.oid AND k.attnum = p.conkey[1]
            WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'sluice') AND n.nspname NOT LIKE 'pg_%'
            ORDER BY 1
            """, connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            while (await reader.ReadAsync(cancellationToken))
                candidates.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetFieldValue<string[]>(4)));

        var tables = new List<Table>();
        foreach (var (name, relation, key, keyType, columns) in candidates.Where(c => Names(text, c.Relation)))
        {
            var keys = await SampleAsync(connection, name, key, $"{seed}:keys", 2 * keysPerTable, cancellationToken);
            var donors = (await SampleAsync(connection, name, key, $"{seed}:donors", 3 * keysPerTable, cancellationToken)).Except(keys).Take(keysPerTable).ToList();
            if (keys.Count > 1 && donors.Count > 0)
                tables.Add(new Table(name, key, keyType, columns, [.. keys.Where((_, i) => i % 2 == 0)], [.. keys.Where((_, i) => i % 2 == 1)], donors));
        }
        return new WriteWorkload(seed, tables);
    }

    /// <summary>The source a state fingerprint reads for <paramref name="table"/>: the table without the rows this
    /// workload writes, or null when it writes none of it.</summary>
    public FingerprintSource? SourceWithout(string table) =>
        Tables.FirstOrDefault(t => t.Name == table) is { } written
            ? FingerprintSource.FromQuery(table,
                $"SELECT * FROM {written.Name} WHERE {written.Key} <> ALL ({SourceSql.Quote(ArrayLiteral(written.Keys))}::{written.KeyType}[])",
                Unquoted(written.Key))
            : null;

    /// <summary>Whether the workload writes this key of this table.</summary>
    public bool IsWritten(string table, string key) => Tables.Any(t => t.Name == table && t.Keys.Contains(key, StringComparer.Ordinal));

    /// <summary>A round: <paramref name="count"/> seeded writes on each touched table, the same ones in every run of the seed.</summary>
    public Task RoundAsync(NpgsqlConnection connection, int count, CancellationToken cancellationToken) => StepAsync(_rounds, connection, count, cancellationToken);

    /// <summary><paramref name="count"/> writes on each touched table beside a running phase.</summary>
    public Task BesideAsync(NpgsqlConnection connection, int count, CancellationToken cancellationToken) => StepAsync(_beside, connection, count, cancellationToken);

    private async Task StepAsync(Lane lane, NpgsqlConnection connection, int count, CancellationToken cancellationToken)
    {
        var random = lane.Random;
        foreach (var table in Tables)
            for (var i = 0; i < count; i++)
            {
                var keys = lane.Keys(table);
                var key = keys[random.Next(keys.Count)];
                var donor = table.Donors[random.Next(table.Donors.Count)];
                var deleted = lane.Deleted.TryGetValue(table.Name, out var rows) ? rows : lane.Deleted[table.Name] = [];
                var choice = random.Next(3);
                try
                {
                    if (choice == 2 && deleted.Count > 0) await ReinsertAsync(connection, table, deleted, random.Next(deleted.Count), donor, cancellationToken);
                    else if (choice == 1) await DeleteAsync(connection, table, key, deleted, cancellationToken);
                    else await UpdateAsync(connection, table, key, donor, cancellationToken);
                }
                catch (PostgresException)
                {
                    // A foreign key, a constraint or a phase's schema change refused this write: the next one is tried.
                }
            }
    }

    private async Task UpdateAsync(NpgsqlConnection connection, Table table, string key, string donor, CancellationToken cancellationToken)
    {
        if (table.Columns.Count == 0) return;
        var columns = string.Join(", ", table.Columns);
        await using var command = new NpgsqlCommand(
            $"UPDATE {table.Name} t SET ({columns}) = (SELECT {columns} FROM {table.Name} d WHERE d.{table.Key} = $2::{table.KeyType}) WHERE t.{table.Key} = $1::{table.KeyType} RETURNING to_jsonb(t)::text",
            connection) { Parameters = { new() { Value = key }, new() { Value = donor } } };
        if (await command.ExecuteScalarAsync(cancellationToken) is string row) Record(table, key, row);
    }

    private async Task DeleteAsync(NpgsqlConnection connection, Table table, string key, List<string> deleted, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"DELETE FROM {table.Name} t WHERE {table.Key} = $1::{table.KeyType} RETURNING to_jsonb(t)::text", connection)
        {
            Parameters = { new() { Value = key } },
        };
        if (await command.ExecuteScalarAsync(cancellationToken) is string row) { deleted.Add(row); Record(table, key, null); }
    }

    // The deleted row comes back under its key, its old columns copied from a donor (the donor's values, not its key).
    private async Task ReinsertAsync(NpgsqlConnection connection, Table table, List<string> deleted, int index, string donor, CancellationToken cancellationToken)
    {
        var row = deleted[index];
        var insertable = await InsertableAsync(connection, table, cancellationToken);
        using var json = JsonDocument.Parse(row);
        var columns = insertable.Where(c => json.RootElement.TryGetProperty(Unquoted(c), out _)).ToList();
        var list = string.Join(", ", columns);
        var copied = table.Columns.Count == 0 ? "'{}'::jsonb"
            : $"coalesce((SELECT to_jsonb(d) FROM (SELECT {string.Join(", ", table.Columns)} FROM {table.Name} WHERE {table.Key} = $2::{table.KeyType}) d), '{{}}'::jsonb)";
        await using var command = new NpgsqlCommand(
            $"INSERT INTO {table.Name} AS t ({list}) OVERRIDING SYSTEM VALUE SELECT {list} FROM jsonb_populate_record(NULL::{table.Name}, $1::jsonb || {copied}) RETURNING t.{table.Key}::text, to_jsonb(t)::text",
            connection) { Parameters = { new() { Value = row }, new() { Value = donor } } };
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            if (await reader.ReadAsync(cancellationToken)) Record(table, reader.GetString(0), reader.GetString(1));
        deleted.RemoveAt(index);
    }

    private void Record(Table table, string key, string? row) => _written[(table.Name, key)] = row;

    /// <summary>
    /// The rows this workload wrote that are not as it left them, in the columns the table had before the plan and
    /// still has now: a revert must keep what the application wrote meanwhile. One line per row ("id 17: qty", "id 42: gone").
    /// </summary>
    public async Task<IReadOnlyList<(string Table, string Key, string What)>> LostWritesAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var lost = new List<(string, string, string)>();
        foreach (var table in Tables)
        {
            var (written, now) = await ReadWrittenAsync(connection, table, cancellationToken);
            foreach (var (key, expected) in written.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                var present = now.TryGetValue(key, out var actual);
                var row = $"{Unquoted(table.Key)} {key}";
                if (expected is null) { if (present) lost.Add((table.Name, row, "deleted, but back")); continue; }
                if (!present) { lost.Add((table.Name, row, "gone")); continue; }
                using var before = JsonDocument.Parse(expected);
                using var after = JsonDocument.Parse(actual!);
                var columns = table.Columns.Select(Unquoted).Where(c =>
                    before.RootElement.TryGetProperty(c, out var e) && after.RootElement.TryGetProperty(c, out var a) && e.GetRawText() != a.GetRawText()).ToList();
                if (columns.Count > 0) lost.Add((table.Name, row, string.Join(", ", columns)));
            }
        }
        return lost;
    }

    /// <summary>Takes the written rows as they are now as what the application left: the rehearsal's own second run of
    /// a phase (its idempotence check) may rework them, and that is not the rollback's to undo.</summary>
    public async Task AcceptCurrentAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        foreach (var table in Tables)
        {
            var (written, now) = await ReadWrittenAsync(connection, table, cancellationToken);
            foreach (var key in written.Keys) _written[(table.Name, key)] = now.GetValueOrDefault(key);
        }
    }

    private async Task<(Dictionary<string, string?> Written, Dictionary<string, string> Now)> ReadWrittenAsync(NpgsqlConnection connection, Table table,
        CancellationToken cancellationToken)
    {
        var written = _written.Where(p => p.Key.Table == table.Name).ToDictionary(p => p.Key.Key, p => p.Value, StringComparer.Ordinal);
        var now = new Dictionary<string, string>(StringComparer.Ordinal);
        if (written.Count == 0) return (written, now);
        await using var command = new NpgsqlCommand(
            $"SELECT t.{table.Key}::text, to_jsonb(t)::text FROM {table.Name} t WHERE t.{table.Key}::text = ANY ($1)", connection)
        {
            Parameters = { new() { Value = written.Keys.ToArray() } },
        };
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) now[reader.GetString(0)] = reader.GetString(1);
        return (written, now);
    }

    private static async Task<List<string>> InsertableAsync(NpgsqlConnection connection, Table table, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT quote_ident(attname) FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = '' ORDER BY attnum",
            connection) { Parameters = { new() { Value = table.Name } } };
        var columns = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) columns.Add(reader.GetString(0));
        return columns;
    }

    // A seeded, repeatable sample: the same seed and data give the same keys.
    private static async Task<List<string>> SampleAsync(NpgsqlConnection connection, string table, string key, string salt, int count, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT {key}::text FROM {table} ORDER BY md5($1 || {key}::text), {key} LIMIT $2", connection)
        {
            Parameters = { new() { Value = salt }, new() { Value = count } },
        };
        var keys = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) keys.Add(reader.GetString(0));
        return keys;
    }

    private static bool Names(string scripts, string relation) =>
        Regex.IsMatch(scripts, $@"(?<![\w$]){Regex.Escape(relation)}(?![\w$])", RegexOptions.IgnoreCase);

    private static string ArrayLiteral(IEnumerable<string> values) =>
        "{" + string.Join(',', values.Select(v => "\"" + v.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"")) + "}";

    private static string Unquoted(string quoted) =>
        quoted.StartsWith('"') ? quoted[1..^1].Replace("\"\"", "\"", StringComparison.Ordinal) : quoted;
}
