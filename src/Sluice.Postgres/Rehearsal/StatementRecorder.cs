using Npgsql;
using Sluice.Postgres.Migrations;

namespace Sluice.Postgres.Rehearsal;

/// <summary>
/// The rehearsal's watch on each statement of a phase, from the executor's own connection. In a transaction every lock
/// a statement takes is held to the commit, so the locks and storage changes read after each statement are exact (no
/// sampling) and belong to it. Holds what the current attempt's statements did; <see cref="Clear"/> starts an attempt.
/// </summary>
internal sealed class StatementRecorder : IStatementObserver
{
    private readonly List<StatementRun> _runs = [];
    private Dictionary<string, uint> _storage = [];

    /// <summary>The statements of the current attempt that ran to their end, in order.</summary>
    public IReadOnlyList<StatementRun> Runs => [.. _runs];

    /// <summary>The last statement sent in the current attempt: the one that failed, when the attempt failed.</summary>
    public PhaseStatement? Current { get; private set; }

    /// <summary>The time the current attempt spent in this recorder's own queries (a Promote has none of them).</summary>
    public TimeSpan Watching { get; private set; }

    public void Clear()
    {
        _runs.Clear();
        Current = null;
        Watching = TimeSpan.Zero;
    }

    public async Task BeforeAsync(PhaseStatement statement, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        Current = statement;
        _storage = await StorageAsync(statement.Connection, statement.Transaction, cancellationToken);
        Watching += System.Diagnostics.Stopwatch.GetElapsedTime(started);
    }

    public async Task AfterAsync(PhaseStatement statement, TimeSpan duration, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        IReadOnlyList<(string, string)> locks = statement.Transaction is null ? [] : await LocksAsync(statement.Connection, statement.Transaction, cancellationToken);
        var after = await StorageAsync(statement.Connection, statement.Transaction, cancellationToken);
        var rewritten = after.Where(p => _storage.TryGetValue(p.Key, out var before) && before != p.Value).Select(p => p.Key).Order(StringComparer.Ordinal).ToList();
        _runs.Add(new StatementRun(statement.Statement.Text, statement.Statement.Line, duration, locks, rewritten));
        Watching += System.Diagnostics.Stopwatch.GetElapsedTime(started);
    }

    private static async Task<List<(string, string)>> LocksAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            SELECT n.nspname || '.' || c.relname, l.mode
            FROM pg_locks l JOIN pg_class c ON c.oid = l.relation JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE l.pid = pg_backend_pid() AND l.locktype = 'relation' AND l.granted AND c.relkind IN ('r', 'p', 'm')
              AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'sluice') AND n.nspname NOT LIKE 'pg_%'
            ORDER BY 1, 2
            """, connection, transaction);
        var result = new List<(string, string)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) result.Add((reader.GetString(0), reader.GetString(1)));
        return result;
    }

    /// <summary>Each table's storage file: a table rewritten gets a new one.</summary>
    internal static async Task<Dictionary<string, uint>> StorageAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            SELECT n.nspname || '.' || c.relname, c.relfilenode
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'sluice') AND n.nspname NOT LIKE 'pg_%'
            """, connection, transaction);
        var result = new Dictionary<string, uint>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) result[reader.GetString(0)] = reader.GetFieldValue<uint>(1);
        return result;
    }
}
