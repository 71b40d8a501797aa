using Sluice.Environments;

namespace Sluice.Postgres.Environments;

/// <summary>Where the <c>local</c> environment keeps its cluster and what it creates in it.</summary>
/// <param name="RepositoryRoot">The folder holding <c>.nuke/</c>; the cluster lives under its <c>.sluice/&lt;Name&gt;/</c>.</param>
public sealed record LocalEnvironmentOptions(string RepositoryRoot)
{
    /// <summary>The environment's name; also the folder under <c>.sluice/</c>.</summary>
    public string Name { get; init; } = "local";

    /// <summary>The data folder, absolute or relative to the repository root; default <c>.sluice/&lt;Name&gt;/data</c>.</summary>
    public string? DataDirectory { get; init; }

    /// <summary>A fixed port; default a free port chosen once and remembered.</summary>
    public int? Port { get; init; }

    /// <summary>A streaming replica of the cluster (<c>replica</c> in the environment's definition); null for none.</summary>
    public ReplicaSpec? Replica { get; init; }

    /// <summary>The replica's data folder: as configured (relative to the repository root), else <c>replica</c> beside
    /// the primary's data folder.</summary>
    public string ResolvedReplicaDirectory => Replica?.DataDir is { } configured
        ? Path.GetFullPath(configured, Path.GetFullPath(RepositoryRoot))
        : Path.Combine(Path.GetDirectoryName(ResolvedDataDirectory.TrimEnd('/'))!, "replica");

    /// <summary>The database created for the service.</summary>
    public string DatabaseName { get; init; } = "sluice";

    /// <summary>The line printed when the environment opens, saying which database it uses and why; default a line
    /// naming <see cref="DatabaseName"/> as given by the caller.</summary>
    public string? DatabaseNote { get; init; }

    public string StateDirectory => Path.Combine(Path.GetFullPath(RepositoryRoot), ".sluice", Name);

    public string StateFile => Path.Combine(StateDirectory, "cluster.json");

    /// <summary>
    /// The configured data folder; else <c>.sluice/&lt;Name&gt;/data</c> when every folder above it lets others pass
    /// (o+x), which the server's own account needs when Sluice runs as root; else, for a checkout inside a private
    /// folder such as a 0700 home or temp folder, <c>/var/tmp/sluice-&lt;hash of the state folder&gt;/data</c>.
    /// The state file records the choice, so the cluster keeps its folder.
    /// </summary>
    public string ResolvedDataDirectory => DataDirectory is not null
        ? Path.GetFullPath(DataDirectory, Path.GetFullPath(RepositoryRoot))
        : OthersCanTraverse(StateDirectory)
            ? Path.Combine(StateDirectory, "data")
            : Path.Combine(FallbackFolder, "data");

    /// <summary>The folder Sluice makes outside the checkout when the server's account cannot reach into it; removed
    /// with the cluster.</summary>
    public string FallbackFolder => Path.Combine(Path.GetTempPath() == "/tmp/" ? "/var/tmp" : Path.GetTempPath(), $"sluice-{ShortHash(StateDirectory)}");

    private static bool OthersCanTraverse(string folder)
    {
        if (OperatingSystem.IsWindows()) return true;
        for (var dir = new DirectoryInfo(folder); dir is not null; dir = dir.Parent)
            if (dir.Exists && !dir.UnixFileMode.HasFlag(UnixFileMode.OtherExecute)) return false;
        return true;
    }

    private static string ShortHash(string text) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)))[..12];
}
