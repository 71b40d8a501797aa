using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Shop.Tests;

/// <summary>
/// A real Prometheus (Debian's package, <c>/usr/bin/prometheus</c>) on 127.0.0.1 with a temporary config and
/// storage, scraping the given targets every <c>scrape_interval</c>. Missing, it fails with the install command: a
/// Prometheus test that skips is a test that stopped testing.
/// </summary>
internal sealed class PrometheusServer : IAsyncDisposable
{
    public const string Binary = "/usr/bin/prometheus";

    private readonly Process _process;
    private readonly string _folder;

    private PrometheusServer(Process process, string folder, Uri address) => (_process, _folder, Address) = (process, folder, address);

    public Uri Address { get; }

    public static async Task<PrometheusServer> StartAsync(IReadOnlyList<Uri> targets, TimeSpan scrapeInterval, CancellationToken ct)
    {
        if (!File.Exists(Binary))
            throw new InvalidOperationException($"Prometheus is not installed ({Binary} is missing): run `apt-get install -y prometheus` as root");
        var folder = Directory.CreateTempSubdirectory("sluice-prom-").FullName;
        var interval = $"{(int)scrapeInterval.TotalMilliseconds}ms";
        var config = Path.Combine(folder, "prometheus.yml");
        await File.WriteAllTextAsync(config, $"""
            global:
              scrape_interval: {interval}
              evaluation_interval: {interval}
            scrape_configs:
              - job_name: shop
                static_configs:
                  - targets: [{string.Join(", ", targets.Select(t => $"'{t.Authority}'"))}]
            """, ct);
        var port = FreePort();
        var process = Process.Start(new ProcessStartInfo(Binary,
            [$"--config.file={config}", $"--storage.tsdb.path={Path.Combine(folder, "data")}", $"--web.listen-address=127.0.0.1:{port}", "--log.level=warn"])
        {
            RedirectStandardError = true, RedirectStandardOutput = true,
        })!;
        process.ErrorDataReceived += (_, _) => { };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var server = new PrometheusServer(process, folder, new Uri($"http://127.0.0.1:{port}/"));
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        for (var waited = Stopwatch.StartNew(); waited.Elapsed < TimeSpan.FromSeconds(30); await Task.Delay(100, ct))
        {
            if (process.HasExited) break;
            try
            {
                if ((await http.GetAsync(new Uri(server.Address, "-/ready"), ct)).IsSuccessStatusCode) return server;
            }
            catch (HttpRequestException)
            {
            }
        }
        await server.DisposeAsync();
        throw new InvalidOperationException($"Prometheus did not become ready on {server.Address}");
    }

    /// <summary>SIGKILL: the server stops answering at once, as a crashed one would.</summary>
    public void Kill()
    {
        if (!_process.HasExited) _process.Kill();
        _process.WaitForExit();
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        _process.Dispose();
        Directory.Delete(_folder, recursive: true);
        return ValueTask.CompletedTask;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
