using Sluice.Errors;

namespace Sluice.Canary;

/// <summary>
/// The errors every production router raises alike, whatever its API: each names the API and its address, never a
/// credential. The kind is <see cref="ErrorKind.Usage"/> while checking before any traffic moves (exit 2, nothing
/// touched) and <see cref="ErrorKind.Failure"/> once the canary is under way (the caller then rolls back).
/// <list type="number">
/// <item>No answer (connection refused, DNS, TLS, time-out): SLU267.</item>
/// <item>The credential or the permission refused (no token, 401, 403): SLU268, with the grant needed as the remedy.</item>
/// <item>An answer the router cannot use: SLU273.</item>
/// </list>
/// What "not found" means (a route, a Service, a site, a slot) is each router's own.
/// </summary>
public static class RouterFailures
{
    public static SluiceException Unreachable(ErrorKind kind, string api, string address, string why, string remedy, Exception? inner = null) =>
        new(kind, ErrorCodes.RouterUnreachable, $"cannot reach {api} at {address}: {why}", remedy, inner: inner);

    public static SluiceException Refused(ErrorKind kind, string api, string what, string address, string answer, string grant, Exception? inner = null) =>
        new(kind, ErrorCodes.RouterForbidden, $"{api} refused to {what} {address} ({answer})", grant, inner: inner);

    public static SluiceException Unreadable(ErrorKind kind, string api, string what, string address, string answer, Exception? inner = null) =>
        new(kind, ErrorCodes.RouterAnswerUnreadable, $"{api} answered {answer} to {what} {address}", inner: inner);
}
