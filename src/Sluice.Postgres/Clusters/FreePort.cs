using System.Net;
using System.Net.Sockets;

namespace Sluice.Postgres.Clusters;

/// <summary>Asks the kernel for a free loopback port. Another process can take it before the server binds it,
/// so the caller retries on "Address already in use".</summary>
internal static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
