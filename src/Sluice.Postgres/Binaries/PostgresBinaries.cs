namespace Sluice.Postgres.Binaries;

/// <summary>A folder holding PostgreSQL's server programs (<c>initdb</c>, <c>pg_ctl</c>, <c>postgres</c>, ...).</summary>
/// <param name="Directory">The folder, absolute.</param>
/// <param name="FoundBy">How it was found, for logs (<c>SLUICE_PG_BIN</c>, <c>pg_config</c>, ...).</param>
public sealed record PostgresBinaries(string Directory, string FoundBy)
{
    /// <summary>The programs a local cluster cannot do without.</summary>
    public static IReadOnlyList<string> Required { get; } = ["initdb", "pg_ctl", "postgres"];

    /// <summary>The full path of a program in this folder (<c>pg_dump</c>, <c>pgbench</c>, ...).</summary>
    public string Tool(string name) => Path.Combine(Directory, name);

    /// <summary>True when the folder holds every program in <see cref="Required"/>.</summary>
    public static bool Complete(string directory) =>
        Required.All(name => File.Exists(Path.Combine(directory, name)));
}
