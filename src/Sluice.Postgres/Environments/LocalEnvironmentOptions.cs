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

    /// <summary>The database created for the service.</summary>
    public string DatabaseName { get; init; } = "sluice";

    public string StateDirectory => Path.Combine(Path.GetFullPath(RepositoryRoot), ".sluice", Name);

    public string StateFile => Path.Combine(StateDirectory, "cluster.json");

    public string ResolvedDataDirectory => DataDirectory is null
        ? Path.Combine(StateDirectory, "data")
        : Path.GetFullPath(DataDirectory, Path.GetFullPath(RepositoryRoot));
}
