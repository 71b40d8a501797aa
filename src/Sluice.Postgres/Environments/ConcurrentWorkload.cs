using System.Diagnostics;
using System.Net;
using Npgsql;
using Sluice.Environments;
using Sluice.Errors;
using Sluice.Postgres.Rehearsal;

namespace Sluice.Postgres.Environments;

/// <summary>
/// Promote's concurrent workload (<see cref="IEnvironmentWorkload"/>): one unpooled connection
/// (<c>sluice-promote-workload</c>) plays the rehearsal's statements (<see cref="WorkloadStatements"/>) on every user
/// table in turn, paced to the rate, until stopped or out of time. Loopback databases only: this is load, and Sluice
/// puts load only on a database of this machine.
/// </summary>
internal sealed class ConcurrentWorkload(string connectionString) : IEnvironmentWorkload
{
    public const string ApplicationName = "sluice-promote-workload";

    /// <summary>The ceiling on a rate, whatever is asked: a workload is there to meet the phases, not to load-test.</summary>
    public const int MaxPerSecond = 200;

    public async Task<IRunningWorkload> StartAsync(int perSecond, TimeSpan limit, CancellationToken cancellationToken)
    {
        var host = new NpgsqlConnectionStringBuilder(connectionString).Host ?? "";
        if (!(host.StartsWith('/') || host == "localhost" || IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address)))
            throw SluiceException.Usage(ErrorCodes.WorkloadNotLoopback, $"a concurrent workload runs only on a database of this machine, and this one is on '{host}'",
                "leave promote-workload-rate unset for this environment");
        if (perSecond is < 1 or > MaxPerSecond)
            throw SluiceException.Usage(ErrorCodes.WorkloadNotLoopback, $"promote-workload-rate {perSecond} is outside 1-{MaxPerSecond}", $"choose a rate from 1 to {MaxPerSecond} statements a second");
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = ApplicationName, Pooling = false }.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        var tables = await WorkloadStatements.TablesAsync(connection, cancellationToken);
        return new Running(connection, tables, perSecond, limit);
    }

    private sealed class Running : IRunningWorkload
    {
        private readonly NpgsqlConnection _connection;
        private readonly int _perSecond;
        private readonly CancellationTokenSource _stop;
        private readonly Task _loop;
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly List<double> _milliseconds = [];
        private long _refused;
        private TimeSpan? _ran;

        public Running(NpgsqlConnection connection, IReadOnlyList<(string Table, string Column)> tables, int perSecond, TimeSpan limit)
        {
            (_connection, _perSecond) = (connection, perSecond);
            _stop = new CancellationTokenSource(limit);
            _loop = Task.Run(() => LoopAsync(tables, _stop.Token));
        }

        public WorkloadFigures Figures
        {
            get
            {
                double[] sorted;
                lock (_milliseconds) sorted = [.. _milliseconds.Order()];
                TimeSpan At(double q) => sorted.Length == 0 ? TimeSpan.Zero : TimeSpan.FromMilliseconds(sorted[(int)Math.Min(sorted.Length - 1, Math.Floor(q * sorted.Length))]);
                return new WorkloadFigures(_perSecond, _ran ?? _clock.Elapsed, sorted.Length, Interlocked.Read(ref _refused), At(0.5), At(0.95), At(1.0));
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (_ran is not null) return;
            await _stop.CancelAsync();
            try { await _loop; }
            catch (OperationCanceledException) { }
            _ran = _clock.Elapsed;
            await _connection.DisposeAsync();
            _stop.Dispose();
        }

        private async Task LoopAsync(IReadOnlyList<(string Table, string Column)> tables, CancellationToken stop)
        {
            if (tables.Count == 0) return;
            var interval = TimeSpan.FromSeconds(1.0 / _perSecond);
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var (table, column) = tables[i % tables.Count];
                var started = _clock.Elapsed;
                try
                {
                    await using var command = new NpgsqlCommand(WorkloadStatements.ReadAndTouch(table, column), _connection);
                    await command.ExecuteNonQueryAsync(stop);
                    lock (_milliseconds) _milliseconds.Add((_clock.Elapsed - started).TotalMilliseconds);
                }
                catch (PostgresException)
                {
                    Interlocked.Increment(ref _refused); // a phase changed the table under it: the next one is tried
                }
                catch (Exception e) when (e is OperationCanceledException or NpgsqlException && stop.IsCancellationRequested)
                {
                    return;
                }
                // Paced from the start of each statement: a slow one (behind a lock) is not made up for by a burst.
                var wait = started + interval - _clock.Elapsed;
                if (wait > TimeSpan.Zero)
                {
                    try { await Task.Delay(wait, stop); }
                    catch (OperationCanceledException) { return; }
                }
            }
        }
    }
}
