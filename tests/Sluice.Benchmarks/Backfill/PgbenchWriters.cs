using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace Sluice.Benchmarks.Backfill;

/// <summary>
/// The writers as a process of their own: <c>pgbench</c> at a fixed rate (<c>-R</c>, Poisson arrivals, each latency
/// counted from the transaction's scheduled start), the same UPDATE of one random customer's <c>full_name</c>. As
/// production's application servers are, they are apart from the runner's process, so its garbage collections and
/// thread pool are not in their latencies. pgbench does not log the key it drew, so these samples carry key 0 and the
/// row-lock cause of <see cref="WriterTailAttribution"/> cannot be told apart from a commit's.
/// </summary>
internal sealed class PgbenchWriters : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _folder;
    private readonly string _connectionString;
    private readonly int _perSecond;
    private readonly System.Text.StringBuilder _errors = new();

    private PgbenchWriters(Process process, string folder, string connectionString, int perSecond) =>
        (_process, _folder, _connectionString, _perSecond) = (process, folder, connectionString, perSecond);

    public static PgbenchWriters Start(string pgbench, string connectionString, int rows, int clients, int totalPerSecond)
    {
        if (!File.Exists(pgbench))
            throw new InvalidOperationException($"pgbench was not found at {pgbench}: it ships with the server's binaries (Debian: apt-get install -y postgresql-15); or run only the closed loop with SLUICE_BENCH_WRITE_RATES=closed");
        var folder = Directory.CreateTempSubdirectory("sluice-pgbench-").FullName;
        var script = Path.Combine(folder, "write.sql");
        File.WriteAllText(script, $"\\set id random(1, {rows})\nUPDATE customers SET full_name = 'Writer ' || :id || ' Name' || (:id % 97) WHERE id = :id;\n");
        var c = new NpgsqlConnectionStringBuilder(connectionString);
        var start = new ProcessStartInfo(pgbench)
        {
            WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var argument in new[]
                 {
                     "-n", "-M", "prepared", "-c", clients.ToString(CultureInfo.InvariantCulture), "-j", "2",
                     "-R", totalPerSecond.ToString(CultureInfo.InvariantCulture), "-T", "3600", "-l", "--log-prefix", Path.Combine(folder, "tx"),
                     "-f", script, "-h", c.Host!, "-p", c.Port.ToString(CultureInfo.InvariantCulture), "-U", c.Username!, c.Database!,
                 })
            start.ArgumentList.Add(argument);
        if (c.Password is { } password) start.Environment["PGPASSWORD"] = password;
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {pgbench}");
        }
        catch
        {
            Directory.Delete(folder, recursive: true);
            throw;
        }
        var writers = new PgbenchWriters(process, folder, connectionString, totalPerSecond);
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is { } line) lock (writers._errors) writers._errors.AppendLine(line); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return writers;
    }

    /// <summary>The transactions due between the two wall-clock instants, as samples on the <see cref="Stopwatch"/>
    /// clock; a write due inside the window and blocked past its end counts in full. So pgbench runs on until no write
    /// of it has waited on a lock for three seconds (its backlog of due writes is done by then), and then its sessions
    /// are ended, on which it writes out its logs and exits.</summary>
    public async Task<List<WriteSample>> SamplesAsync(DateTime fromUtc, DateTime toUtc)
    {
        if (_process.HasExited) throw new InvalidOperationException($"pgbench stopped before the window ended: {Errors()}");
        await using (var connection = new NpgsqlConnection(_connectionString))
        {
            await connection.OpenAsync();
            await using var waiting = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'pgbench' AND wait_event_type = 'Lock'", connection);
            var quiet = Stopwatch.StartNew();
            for (var limit = Stopwatch.StartNew(); quiet.Elapsed < TimeSpan.FromSeconds(3) && limit.Elapsed < TimeSpan.FromMinutes(2);)
            {
                if ((long)(await waiting.ExecuteScalarAsync())! > 0) quiet.Restart();
                await Task.Delay(100);
            }
            await using var end = new NpgsqlCommand("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'pgbench'", connection);
            await end.ExecuteScalarAsync();
        }
        using (var exit = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            try { await _process.WaitForExitAsync(exit.Token); }
            catch (OperationCanceledException)
            {
                _process.Kill();
                await _process.WaitForExitAsync();
            }
        }
        // The wall clock and the Stopwatch clock, read together once, to put pgbench's epoch times on the latter.
        var (wall, ticks) = (DateTime.UtcNow, Stopwatch.GetTimestamp());
        var samples = new List<WriteSample>();
        foreach (var log in Directory.EnumerateFiles(_folder, "tx*"))
            foreach (var line in File.ReadLines(log))
            {
                // client_id transaction_no time script_no time_epoch time_us [schedule_lag]
                var f = line.Split(' ');
                // Under -R every line has the schedule lag last; a line cut short has fewer fields.
                if (f.Length < 7 || !long.TryParse(f[2], CultureInfo.InvariantCulture, out var latencyUs)
                    || !long.TryParse(f[4], CultureInfo.InvariantCulture, out var epochSeconds) || !long.TryParse(f[5], CultureInfo.InvariantCulture, out var micros)) continue;
                var end = DateTime.UnixEpoch.AddSeconds(epochSeconds).AddTicks(micros * 10);
                var due = end.AddTicks(-latencyUs * 10);
                if (due < fromUtc || due > toUtc) continue;
                var endTicks = ticks - (long)((wall - end).TotalSeconds * Stopwatch.Frequency);
                samples.Add(new WriteSample(endTicks - latencyUs * Stopwatch.Frequency / 1_000_000, endTicks, 0));
            }
        if (samples.Count == 0) throw new InvalidOperationException($"pgbench logged no write due in the window: {Errors()}");
        var expected = _perSecond * (toUtc - fromUtc).TotalSeconds;
        if (samples.Count < 0.9 * expected)
            Console.WriteLine($"warning: pgbench logged {samples.Count:N0} writes due in the window, against about {expected:N0} at {_perSecond:N0}/s");
        return samples;
    }

    private string Errors()
    {
        lock (_errors) return _errors.Length == 0 ? "(nothing on its standard error)" : _errors.ToString().Trim();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
