using System.Diagnostics;
using Npgsql;
using Sluice.Migrations.Plans;
using Sluice.Postgres.Databases;

namespace Sluice.Postgres.Rehearsal;

/// <summary>
/// The application's writers on a backfill's table, timed from the client's side: on a connection of their own, each
/// write updates one row picked at random over the key's range (the next key at or above a random point) and sets
/// its key to itself, so it takes the row lock a real write takes and fires the table's triggers (the dual write a
/// plan adds is part of what writers feel), yet changes no value a state comparison reads, as long as the table's
/// triggers only compute the row's own columns from others (a trigger that stamps <c>now()</c> or writes an audit row
/// makes the state depend on when the probe wrote). The rehearsal's own
/// workload could not stand in: it writes a few dozen seeded keys, which its triggers keep up to date, so a batch
/// skips them and never makes them wait. At most <see cref="PerSecond"/> writes a second, for at most
/// <see cref="Longest"/>, whatever the table's size; the same writes for <see cref="BaselineTime"/> just before the
/// phase, on the same database, are the baseline. The caller runs it only on a database on this machine: across a
/// network the latency would be the network's. Dispose it to stop and read <see cref="Latencies"/>.
/// </summary>
internal sealed class WriterLatencyProbe : IAsyncDisposable
{
    /// <summary>The application name of its session (not the observer's workload, whose waits it samples).</summary>
    public const string Name = "sluice-rehearsal-writers";

    /// <summary>The most writes a second: enough for a p99 within a second of backfill, little load on a small machine.</summary>
    public const int PerSecond = 200;

    /// <summary>The longest it writes beside one phase.</summary>
    public static readonly TimeSpan Longest = TimeSpan.FromSeconds(60);

    /// <summary>How long the baseline writes.</summary>
    public static readonly TimeSpan BaselineTime = TimeSpan.FromSeconds(1);

    private readonly NpgsqlConnection _connection;
    private readonly CancellationTokenSource _stop;
    private readonly List<TimeSpan> _latencies = [];
    private Task _writing = Task.CompletedTask;
    private int _disposed;

    private WriterLatencyProbe(NpgsqlConnection connection, CancellationToken cancellationToken) =>
        (_connection, _stop) = (connection, CancellationTokenSource.CreateLinkedTokenSource(cancellationToken));

    /// <summary>Each write's time; read it once disposed.</summary>
    public IReadOnlyList<TimeSpan> Latencies => _disposed != 0 ? _latencies : throw new InvalidOperationException("the probe is still writing");

    /// <summary>Opens its session and reads the key's range, then starts writing (nothing on an empty table).</summary>
    public static async Task<WriterLatencyProbe> StartAsync(string connectionString, BackfillSpec backfill, int seed, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = Name, Pooling = false }.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        var probe = new WriterLatencyProbe(connection, cancellationToken);
        try
        {
            var (table, key) = (Sql.Qualified(backfill.TableName), Sql.Qualified(backfill.KeyName));
            (long Low, long High)? keys = null;
            // The reader is closed before the writes start on the same session.
            await using (var range = new NpgsqlCommand($"SELECT min({key})::bigint, max({key})::bigint FROM {table}", connection))
            await using (var reader = await range.ExecuteReaderAsync(cancellationToken))
                if (await reader.ReadAsync(cancellationToken) && !reader.IsDBNull(0)) keys = (reader.GetInt64(0), reader.GetInt64(1));
            if (keys is (var low, var high))
            {
                var write = $"UPDATE {table} SET {key} = {key} WHERE {key} = (SELECT {key} FROM {table} WHERE {key} >= $1 ORDER BY {key} LIMIT 1)";
                probe._writing = Task.Run(() => probe.WriteAsync(write, low, high, new Random(seed), probe._stop.Token), CancellationToken.None);
            }
        }
        catch
        {
            await probe.DisposeAsync(); // its session and token source, when the range could not be read
            throw;
        }
        return probe;
    }

    /// <summary>The baseline: the same writes for <see cref="BaselineTime"/> with nothing else running.</summary>
    public static async Task<IReadOnlyList<TimeSpan>> BaselineAsync(string connectionString, BackfillSpec backfill, int seed, CancellationToken cancellationToken)
    {
        var probe = await StartAsync(connectionString, backfill, seed, cancellationToken);
        try { await Task.Delay(BaselineTime, cancellationToken); }
        finally { await probe.DisposeAsync(); }
        return probe.Latencies;
    }

    private async Task WriteAsync(string write, long low, long high, Random random, CancellationToken cancellationToken)
    {
        var interval = TimeSpan.FromSeconds(1.0 / PerSecond);
        var clock = Stopwatch.StartNew();
        var next = TimeSpan.Zero;
        await using var command = new NpgsqlCommand(write, _connection) { Parameters = { new NpgsqlParameter<long>() } };
        while (!cancellationToken.IsCancellationRequested)
        {
            ((NpgsqlParameter<long>)command.Parameters[0]).TypedValue = random.NextInt64(low, high == long.MaxValue ? high : high + 1);
            var started = Stopwatch.GetTimestamp();
            try { await command.ExecuteNonQueryAsync(cancellationToken); }
            catch (PostgresException e) when (e.SqlState != PostgresErrorCodes.QueryCanceled || !cancellationToken.IsCancellationRequested)
            {
                // A phase's constraint or trigger refused the write, or a statement_timeout cut it (the same SQLSTATE as
                // a cancel, which only the probe's own stop is): it made its round trip, and its wait counts.
            }
            _latencies.Add(Stopwatch.GetElapsedTime(started));
            // The clock is read once per pause: two readings could make the delay negative.
            var now = clock.Elapsed;
            if (now >= Longest) return;
            next += interval;
            if (next > now) await Task.Delay(next - now, cancellationToken);
            else next = now; // behind (a write waited): no burst to catch up
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        await _stop.CancelAsync();
        try { await _writing; }
        catch (OperationCanceledException) { }
        catch (NpgsqlException) { } // cancelled mid-write: that write is not counted
        _stop.Dispose();
        await _connection.DisposeAsync();
    }
}
