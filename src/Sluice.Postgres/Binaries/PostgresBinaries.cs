namespace Sluice.Postgres.Binaries;

/// <summary>A folder holding PostgreSQL's server programs (<c>initdb</c>, <c>pg_ctl</c>, <c>postgres</c>, ...).</summary>
/// <param name="Directory">The folder, absolute.</param>
/// <param name="FoundBy">How it was found, for logs (<c>SLUICE_PG_BIN</c>, <c>pg_config</c>, ...).</param>
public sealed record PostgresBinaries(string Directory, string FoundBy)
{
    /// <summary>The programs a local cluster cannot do without.</summary>
    public static IReadOnlyList<string> Required { get; } = ["initdb", "pg_ctl", "postgres"];

    /// <summary>Where client programs (<c>pg_dump</c>, <c>pg_restore</c>, <c>pgbench</c>) come from when
    /// <see cref="Directory"/> lacks them: the npm packages of embedded PostgreSQL ship only the server programs, so a
    /// <c>SLUICE_PG_BIN</c> pointing at one borrows the clients of another install. Null when there is none.</summary>
    public string? ClientDirectory { get; init; }

    /// <summary>The full path of a program (<c>pg_dump</c>, <c>pgbench</c>, ...): in this folder, or in
    /// <see cref="ClientDirectory"/> when this folder lacks it.</summary>
    public string Tool(string name)
    {
        var own = Path.Combine(Directory, name);
        return File.Exists(own) || ClientDirectory is null ? own : Path.Combine(ClientDirectory, name);
    }

    /// <summary>True when the folder holds every program in <see cref="Required"/>.</summary>
    public static bool Complete(string directory) =>
        Required.All(name => File.Exists(Path.Combine(directory, name)));
}
