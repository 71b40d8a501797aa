using System.Diagnostics;
using Npgsql;
using Sluice.Rehearsal.Runs;

namespace Sluice.Postgres.Rehearsal;

/// <summary>
/// Watches a phase from beside it: one connection samples <c>pg_locks</c> and <c>pg_stat_activity</c> every few
/// milliseconds (the phase's table locks and whether the workload waits on a lock), another plays a workload: a read
/// of each table in turn and, given a <see cref="WriteWorkload"/>, its seeded writes of real values (else a write that
/// changes nothing). Dispose it to stop both and read what was seen.
/// </summary>
internal sealed class PhaseObserver : IAsyncDisposable
{
    public const string WorkloadName = "sluice-rehearsal-workload";

    /// <summary>The application name of the sessions that run the phases, whose locks the sampler reads.</summary>
    public const string PhaseName = "sluice-rehearsal-phase";
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(5);

    private readonly CancellationTokenSource _stop;
    private readonly Task _sampler;
    private readonly Task _workload;
    private readonly Dictionary<(string Table, string Mode), (TimeSpan First, TimeSpan Last)> _locks = [];
    private TimeSpan _blocked, _waiting, _longestWait;
    private int _disposed;

    private PhaseObserver(string connectionString, IReadOnlyList<(string Table, string Column)> tables, WriteWorkload? writes, CancellationToken cancellationToken)
    {
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _sampler = Task.Run(() => SampleAsync(connectionString, _stop.Token));
        _workload = Task.Run(() => WorkAsync(connectionString, tables, writes, _stop.Token));
    }

    public static PhaseObserver Start(string connectionString, IReadOnlyList<(string Table, string Column)> tables, WriteWorkload? writes,
        CancellationToken cancellationToken) =>
        new(connectionString, tables, writes, cancellationToken);

    public IReadOnlyList<LockHeld> Locks => [.. _locks.Select(p => new LockHeld(p.Key.Table, p.Key.Mode, p.Value.Last - p.Value.First))];

    /// <summary>How long the workload waited on locks in all (sampled).</summary>
    public TimeSpan WorkloadBlocked => _blocked;

    /// <summary>The workload's longest wait: the longest run of samples in a row that saw it waiting on a lock.</summary>
    public TimeSpan LongestWorkloadWait => _longestWait;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        await _stop.CancelAsync();
        await Quietly(_sampler);
        await Quietly(_workload);
        _stop.Dispose();
    }

    private static async Task Quietly(Task task)
    {
        try { await task; }
        catch (OperationCanceledException) { }
        catch (NpgsqlException) { } // cancelled mid-command
    }

    private async Task SampleAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"""
            SELECT n.nspname || '.' || c.relname, l.mode, false
            FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid JOIN pg_class c ON c.oid = l.relation JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE a.application_name = '{PhaseName}' AND l.locktype = 'relation' AND l.granted AND c.relkind IN ('r', 'p', 'm')
              AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'sluice') AND n.nspname NOT LIKE 'pg_%'
            UNION ALL
            SELECT '', '', true FROM pg_stat_activity WHERE application_name = '{WorkloadName}' AND wait_event_type = 'Lock'
            """, connection);
        var clock = Stopwatch.StartNew();
        var previous = clock.Elapsed;
        while (!cancellationToken.IsCancellationRequested)
        {
            var now = clock.Elapsed;
            var blocked = false;
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
                while (await reader.ReadAsync(cancellationToken))
                {
                    if (reader.GetBoolean(2)) { blocked = true; continue; }
                    var key = (reader.GetString(0), reader.GetString(1));
                    _locks[key] = _locks.TryGetValue(key, out var seen) ? (seen.First, now) : (now, now);
                }
            if (blocked)
            {
                _blocked += now - previous;
                _waiting += now - previous;
                if (_waiting > _longestWait) _longestWait = _waiting;
            }
            else _waiting = TimeSpan.Zero;
            previous = now;
            await Task.Delay(Interval, cancellationToken);
        }
    }

    private static async Task WorkAsync(string connectionString, IReadOnlyList<(string Table, string Column)> tables, WriteWorkload? writes,
        CancellationToken cancellationToken)
    {
        if (tables.Count == 0) return;
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = WorkloadName, Pooling = false }.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        for (var i = 0; !cancellationToken.IsCancellationRequested; i++)
        {
            var (table, column) = tables[i % tables.Count];
            // A read and a write: enough to queue behind any lock that blocks readers or writers. Tables the workload
            // writes get its real writes; the others a write that changes no value.
            await using var command = new NpgsqlCommand(writes?.Tables.Any(t => t.Name == table) == true
                ? WorkloadStatements.Read(table)
                : WorkloadStatements.ReadAndTouch(table, column), connection);
            try
            {
                await command.ExecuteNonQueryAsync(cancellationToken);
                if (writes is not null && i % tables.Count == 0) await writes.BesideAsync(connection, 1, cancellationToken);
            }
            catch (PostgresException)
            {
                // The phase may drop or change the column under the workload: try the next table.
            }
            await Task.Delay(Interval, cancellationToken);
        }
    }
}
