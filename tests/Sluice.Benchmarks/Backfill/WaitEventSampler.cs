using Npgsql;

namespace Sluice.Benchmarks.Backfill;

/// <summary>Diagnostic (SLUICE_BENCH_WAITS=1, pgbench loads only: it picks their sessions by application name): what the writers' server backends are waiting on, sampled from
/// <c>pg_stat_activity</c> every millisecond or so while a run's work goes on.</summary>
internal sealed class WaitEventSampler : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task<Dictionary<string, int>> _loop;

    public WaitEventSampler(string connectionString, string applicationName) =>
        _loop = Task.Run(() => LoopAsync(connectionString, applicationName, _stop.Token));

    private static async Task<Dictionary<string, int>> LoopAsync(string connectionString, string applicationName, CancellationToken stop)
    {
        var tally = new Dictionary<string, int>();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(CancellationToken.None);
        await using var command = new NpgsqlCommand(
            "SELECT coalesce(wait_event_type, 'CPU') || ':' || coalesce(wait_event, '-') FROM pg_stat_activity WHERE application_name = $1 AND state = 'active'", connection);
        command.Parameters.AddWithValue(applicationName);
        await command.PrepareAsync(CancellationToken.None);
        while (!stop.IsCancellationRequested)
        {
            await using (var reader = await command.ExecuteReaderAsync(CancellationToken.None))
                while (await reader.ReadAsync(CancellationToken.None))
                    tally[reader.GetString(0)] = tally.GetValueOrDefault(reader.GetString(0)) + 1;
            tally["samples"] = tally.GetValueOrDefault("samples") + 1;
            await Task.Delay(1, CancellationToken.None);
        }
        return tally;
    }

    public async Task<string> ReportAsync()
    {
        await _stop.CancelAsync();
        var tally = await _loop;
        var samples = Math.Max(1, tally.GetValueOrDefault("samples"));
        return string.Join(", ", tally.Where(t => t.Key != "samples").OrderByDescending(t => t.Value).Take(8)
            .Select(t => $"{t.Key} {100.0 * t.Value / samples:F1}%")) + $" (of {samples:N0} samples)";
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested) await _stop.CancelAsync();
        try { await _loop; } catch (OperationCanceledException) { }
        _stop.Dispose();
    }
}
