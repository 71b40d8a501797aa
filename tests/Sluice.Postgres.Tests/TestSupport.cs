using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Sluice.Postgres.Clusters;

namespace Sluice.Postgres.Tests;

/// <summary>A folder under /tmp deleted at the end of a test.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder(string prefix = "sluice-t")
    {
        // Short: a local cluster's default socket folder is derived from it, but data folders may be nested inside.
        Path = System.IO.Path.Combine("/tmp", $"{prefix}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}");
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public void Dispose()
    {
        if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
    }
}

/// <summary>Keeps what was logged so a test can count it.</summary>
internal sealed class ListLogger : ILogger
{
    private readonly List<string> _messages = [];

    public IReadOnlyList<string> Messages
    {
        get { lock (_messages) return [.. _messages]; }
    }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_messages) _messages.Add(formatter(state, exception));
    }
}

internal static class Machine
{
    public static bool IsRoot => Environment.UserName == "root";

    public static Task<PostgresToolchain> ToolchainAsync(CancellationToken cancellationToken, ILogger? logger = null) =>
        PostgresToolchain.DetectAsync(cancellationToken, logger);

    /// <summary>The numeric user id a process runs as, from /proc.</summary>
    public static int UidOf(int pid) =>
        int.Parse(File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("Uid:", StringComparison.Ordinal))
            .Split('\t', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);

    public static int UidOfUser(string user) =>
        int.Parse(File.ReadLines("/etc/passwd").Select(l => l.Split(':')).First(f => f[0] == user)[2], System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>
/// The trait of tests that run a client program (<c>pg_dump</c>, <c>pg_restore</c>) against the
/// fixture's server: each refuses a server newer than itself, and the npm packages of PostgreSQL 14–18 ship no client
/// programs, so the Test target leaves these out on a version the machine's programs cannot serve (filter
/// <c>needs!=client_programs</c>; on Debian 12, 16 to 18). Streaming replicas need none: they are copied through the
/// server's backup functions.
/// </summary>
internal static class Needs
{
    public const string Trait = "needs";
    public const string ClientPrograms = "client_programs";
}
