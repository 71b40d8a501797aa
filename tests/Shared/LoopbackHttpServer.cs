using System.Net;
using System.Net.Sockets;

namespace Sluice.Testing.Servers;

/// <summary>An HTTP listener on a free loopback port that hands each request's path and body to a handler and answers
/// 200: the receiving end a test or benchmark points an exporter at.</summary>
internal sealed class LoopbackHttpServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _serving;

    public LoopbackHttpServer(Action<string, byte[]> received)
    {
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            Address = new Uri($"http://127.0.0.1:{((IPEndPoint)probe.LocalEndpoint).Port}/");
        }
        _listener.Prefixes.Add(Address.ToString());
        _listener.Start();
        _serving = Task.Run(() => ServeAsync(received));
    }

    public Uri Address { get; }

    private async Task ServeAsync(Action<string, byte[]> received)
    {
        while (_listener.IsListening)
        {
            try
            {
                var context = await _listener.GetContextAsync();
                using var body = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(body);
                received(context.Request.Url!.AbsolutePath, body.ToArray());
                context.Response.StatusCode = 200;
                context.Response.Close();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }
        }
    }

    public void Dispose()
    {
        _listener.Close();
        try
        {
            _serving.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }
    }
}
