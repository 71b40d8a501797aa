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

    private PgbenchWriters(Process process, string folder) => (_process, _folder) = (process, folder);

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
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {pgbench}");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new PgbenchWriters(process, folder);
    }

    /// <summary>The transactions due between the two wall-clock instants (a write blocked past the end still counts), as samples on the
    /// <see cref="Stopwatch"/> clock. pgbench is stopped a second after the window: it dies with the unwritten end of
    /// its buffered log, which then lies outside the window.</summary>
    public async Task<List<WriteSample>> SamplesAsync(DateTime fromUtc, DateTime toUtc)
    {
        await Task.Delay(TimeSpan.FromSeconds(1));
        _process.Kill();
        await _process.WaitForExitAsync();
        // The wall clock and the Stopwatch clock, read together once, to put pgbench's epoch times on the latter.
        var (wall, ticks) = (DateTime.UtcNow, Stopwatch.GetTimestamp());
        var samples = new List<WriteSample>();
        foreach (var log in Directory.EnumerateFiles(_folder, "tx*"))
            foreach (var line in File.ReadLines(log))
            {
                // client_id transaction_no time script_no time_epoch time_us [schedule_lag]
                var f = line.Split(' ');
                // The last line of a killed pgbench may be cut short.
                if (f.Length < 6 || !long.TryParse(f[2], CultureInfo.InvariantCulture, out var latencyUs)
                    || !long.TryParse(f[4], CultureInfo.InvariantCulture, out var epochSeconds) || !long.TryParse(f[5], CultureInfo.InvariantCulture, out var micros)) continue;
                var end = DateTime.UnixEpoch.AddSeconds(epochSeconds).AddTicks(micros * 10);
                var due = end.AddTicks(-latencyUs * 10);
                if (due < fromUtc || due > toUtc) continue;
                var endTicks = ticks - (long)((wall - end).TotalSeconds * Stopwatch.Frequency);
                samples.Add(new WriteSample(endTicks - latencyUs * Stopwatch.Frequency / 1_000_000, endTicks, 0));
            }
        return samples;
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
