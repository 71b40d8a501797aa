using System.Diagnostics;
using Npgsql;

namespace Sluice.Postgres.Rehearsal;

/// <summary>
/// The application's writers beside a backfill, timed from the client's side: the workload's seeded writes of its
/// beside lane (<see cref="WriteWorkload.BesideTimedAsync"/>, keys the rounds never write, so the rounds between
/// batches replay as before) on a connection of their own, at most <see cref="PerSecond"/> a second and for at most
/// <see cref="Longest"/>, whatever the table's size. The same writes for <see cref="BaselineTime"/> just before the
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

    /// <summary>Opens its session, then starts writing.</summary>
    public static async Task<WriterLatencyProbe> StartAsync(string connectionString, WriteWorkload workload, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = Name, Pooling = false }.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        var probe = new WriterLatencyProbe(connection, cancellationToken);
        probe._writing = Task.Run(() => probe.WriteAsync(workload, probe._stop.Token), CancellationToken.None);
        return probe;
    }

    /// <summary>The baseline: the same writes for <see cref="BaselineTime"/> with nothing else running.</summary>
    public static async Task<IReadOnlyList<TimeSpan>> BaselineAsync(string connectionString, WriteWorkload workload, CancellationToken cancellationToken)
    {
        var probe = await StartAsync(connectionString, workload, cancellationToken);
        try { await Task.Delay(BaselineTime, cancellationToken); }
        finally { await probe.DisposeAsync(); }
        return probe.Latencies;
    }

    private async Task WriteAsync(WriteWorkload workload, CancellationToken cancellationToken)
    {
        var interval = TimeSpan.FromSeconds(1.0 / PerSecond);
        var clock = Stopwatch.StartNew();
        var next = TimeSpan.Zero;
        while (!cancellationToken.IsCancellationRequested)
        {
            await workload.BesideTimedAsync(_connection, _latencies.Add, cancellationToken);
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
