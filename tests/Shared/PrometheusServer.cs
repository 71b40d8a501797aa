namespace Sluice.Testing.Servers;

/// <summary>
/// A real Prometheus (Debian's package, <c>/usr/bin/prometheus</c>) on 127.0.0.1 with a temporary config and
/// storage, scraping the given targets every <c>scrape_interval</c> and evaluating the given rule files as often.
/// </summary>
internal sealed class PrometheusServer : IAsyncDisposable
{
    public const string Binary = "/usr/bin/prometheus";

    private readonly LocalServerProcess _server;

    private PrometheusServer(LocalServerProcess server) => _server = server;

    public Uri Address => _server.Address;

    /// <param name="job">The scrape job's name.</param>
    /// <param name="honorLabels">Keep the scraped series' own <c>job</c>/<c>instance</c> (what a Pushgateway needs).</param>
    /// <param name="ruleFiles">Alerting and recording rules to load.</param>
    public static async Task<PrometheusServer> StartAsync(IReadOnlyList<Uri> targets, TimeSpan scrapeInterval, CancellationToken ct,
        string job = "shop", bool honorLabels = false, IReadOnlyList<string>? ruleFiles = null)
    {
        var interval = $"{(int)scrapeInterval.TotalMilliseconds}ms";
        var rules = ruleFiles is { Count: > 0 } ? $"rule_files: [{string.Join(", ", ruleFiles.Select(f => $"'{f}'"))}]" : "";
        var server = await LocalServerProcess.StartAsync(Binary, "prometheus", "sluice-prom-", async (folder, port) =>
        {
            var config = Path.Combine(folder, "prometheus.yml");
            await File.WriteAllTextAsync(config, $"""
                global:
                  scrape_interval: {interval}
                  evaluation_interval: {interval}
                {rules}
                scrape_configs:
                  - job_name: {job}
                    honor_labels: {(honorLabels ? "true" : "false")}
                    static_configs:
                      - targets: [{string.Join(", ", targets.Select(t => $"'{t.Authority}'"))}]
                """, ct);
            return [$"--config.file={config}", $"--storage.tsdb.path={Path.Combine(folder, "data")}", $"--web.listen-address=127.0.0.1:{port}", "--log.level=warn"];
        }, "-/ready", ct);
        return new PrometheusServer(server);
    }

    /// <summary>SIGKILL: the server stops answering at once, as a crashed one would.</summary>
    public void Kill() => _server.Kill();

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
