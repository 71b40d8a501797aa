using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Sluice.Testing.Servers;

/// <summary>
/// A Debian package's server started by a test on 127.0.0.1 with a temporary folder, ready once its readiness URL
/// answers 2xx, killed and its folder removed on dispose. Missing, it fails with the install command: a test that
/// skips for want of its server is a test that stopped testing.
/// </summary>
internal sealed class LocalServerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private LocalServerProcess(Process process, string folder, Uri address) => (_process, Folder, Address) = (process, folder, address);

    public string Folder { get; }

    public Uri Address { get; }

    /// <param name="arguments">Given the folder and the port, the server's command line.</param>
    public static async Task<LocalServerProcess> StartAsync(string binary, string package, string folderPrefix, Func<string, int, Task<string[]>> arguments,
        string readyPath, CancellationToken ct)
    {
        if (!File.Exists(binary))
            throw new InvalidOperationException($"{binary} is missing: run `apt-get install -y {package}` as root");
        var folder = Directory.CreateTempSubdirectory(folderPrefix).FullName;
        var port = FreePort();
        var process = Process.Start(new ProcessStartInfo(binary, await arguments(folder, port)) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        process.ErrorDataReceived += (_, _) => { };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var server = new LocalServerProcess(process, folder, new Uri($"http://127.0.0.1:{port}/"));
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        for (var waited = Stopwatch.StartNew(); waited.Elapsed < TimeSpan.FromSeconds(30); await Task.Delay(100, ct))
        {
            if (process.HasExited) break;
            try
            {
                if ((await http.GetAsync(new Uri(server.Address, readyPath), ct)).IsSuccessStatusCode) return server;
            }
            catch (HttpRequestException)
            {
            }
        }
        await server.DisposeAsync();
        throw new InvalidOperationException($"{binary} did not become ready on {server.Address}");
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
        Directory.Delete(Folder, recursive: true);
        return ValueTask.CompletedTask;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
