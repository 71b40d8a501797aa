using System.Net;

namespace Sluice.Traffic;

/// <summary>Whether an address stays on this machine: 127.0.0.0/8, ::1 or <c>localhost</c>. The router refuses other
/// destinations unless told otherwise, and the load generator refuses other targets always.</summary>
internal static class Loopback
{
    public static bool Is(Uri address) =>
        address.IsAbsoluteUri && (address.IsLoopback || (IPAddress.TryParse(address.DnsSafeHost, out var ip) && IPAddress.IsLoopback(ip)));
}
