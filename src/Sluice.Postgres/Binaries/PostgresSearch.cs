namespace Sluice.Postgres.Binaries;

/// <summary>
/// Where <see cref="PostgresBinaryFinder"/> looks, in order. The defaults read the machine; tests pass their own so
/// they do not depend on what the machine has installed.
/// </summary>
public sealed record PostgresSearch
{
    /// <summary>The value of <c>SLUICE_PG_BIN</c>, or null when unset.</summary>
    public string? PgBinVariable { get; init; }

    /// <summary>Whether to ask <c>pg_config --bindir</c> (found on <see cref="PathVariable"/>).</summary>
    public bool AskPgConfig { get; init; } = true;

    /// <summary>Folders holding one folder per major version with a <c>bin</c> inside (Debian's layout); the newest wins.</summary>
    public IReadOnlyList<string> VersionedRoots { get; init; } = ["/usr/lib/postgresql"];

    /// <summary>The value of <c>PATH</c>.</summary>
    public string? PathVariable { get; init; }

    /// <summary>Which install command to suggest when nothing is found.</summary>
    public HostPlatform Platform { get; init; } = HostPlatform.Other;

    /// <summary>The search this machine implies: its variables, Debian's layout, Homebrew's folders on macOS.</summary>
    public static PostgresSearch FromMachine()
    {
        var platform = HostPlatforms.Detect();
        IReadOnlyList<string> roots = platform == HostPlatform.MacOs
            ? ["/opt/homebrew/opt", "/usr/local/opt"]
            : ["/usr/lib/postgresql"];
        return new PostgresSearch
        {
            PgBinVariable = NullIfEmpty(Environment.GetEnvironmentVariable("SLUICE_PG_BIN")),
            PathVariable = Environment.GetEnvironmentVariable("PATH"),
            VersionedRoots = roots,
            Platform = platform,
        };
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
