namespace Sluice.Testing.Servers;

/// <summary>A real Prometheus Pushgateway (Debian's <c>prometheus-pushgateway</c>) on 127.0.0.1, keeping what is
/// pushed in memory only.</summary>
internal sealed class PushgatewayServer : IAsyncDisposable
{
    public const string Binary = "/usr/bin/prometheus-pushgateway";

    private readonly LocalServerProcess _server;

    private PushgatewayServer(LocalServerProcess server) => _server = server;

    public Uri Address => _server.Address;

    public static async Task<PushgatewayServer> StartAsync(CancellationToken ct) =>
        new(await LocalServerProcess.StartAsync(Binary, "prometheus-pushgateway", "sluice-pushgw-",
            (_, port) => Task.FromResult<string[]>([$"--web.listen-address=127.0.0.1:{port}", "--log.level=warn"]), "-/ready", ct));

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
