using System.Diagnostics;
using Sluice.Errors;

namespace Sluice.Postgres.Binaries;

/// <summary>
/// Finds PostgreSQL's server programs: <c>SLUICE_PG_BIN</c>, then <c>pg_config --bindir</c>, then the newest
/// <c>/usr/lib/postgresql/&lt;major&gt;/bin</c>, then <c>PATH</c>. Throws <c>SLU010</c> with the install command when
/// none holds them. A <c>SLUICE_PG_BIN</c> folder that has the server programs but no client ones (the npm packages of
/// embedded PostgreSQL 14–18) borrows them from the install the rest of the search finds (<see cref="PostgresBinaries.ClientDirectory"/>).
/// </summary>
public sealed class PostgresBinaryFinder(PostgresSearch search)
{
    public PostgresBinaryFinder() : this(PostgresSearch.FromMachine())
    {
    }

    public async Task<PostgresBinaries> FindAsync(CancellationToken cancellationToken)
    {
        if (search.PgBinVariable is { } explicitFolder)
        {
            // An explicit setting is a decision: falling back to another install would hide its mistake.
            if (PostgresBinaries.Complete(explicitFolder))
                return new PostgresBinaries(Path.GetFullPath(explicitFolder), "SLUICE_PG_BIN") { ClientDirectory = (await FindInstalledAsync(cancellationToken))?.Directory };
            throw SluiceException.Usage(ErrorCodes.BinariesMissing,
                $"SLUICE_PG_BIN is '{explicitFolder}', which does not hold {string.Join(", ", PostgresBinaries.Required)}",
                $"point SLUICE_PG_BIN at PostgreSQL's bin folder or unset it; {HostPlatforms.InstallHint(search.Platform)}");
        }

        return await FindInstalledAsync(cancellationToken) ?? throw SluiceException.Usage(ErrorCodes.BinariesMissing,
            "PostgreSQL's server programs (initdb, pg_ctl, postgres) were not found in SLUICE_PG_BIN, pg_config, "
            + $"{string.Join(", ", search.VersionedRoots.Select(r => r + "/<version>/bin"))} or PATH",
            HostPlatforms.InstallHint(search.Platform));
    }

    /// <summary>An installed PostgreSQL, <c>SLUICE_PG_BIN</c> aside: <c>pg_config</c>, the versioned roots, <c>PATH</c>.</summary>
    private async Task<PostgresBinaries?> FindInstalledAsync(CancellationToken cancellationToken)
    {
        if (search.AskPgConfig && FindOnPath("pg_config") is { } pgConfig
            && await AskBinDirAsync(pgConfig, cancellationToken) is { } fromPgConfig && PostgresBinaries.Complete(fromPgConfig))
            return new PostgresBinaries(fromPgConfig, "pg_config");

        foreach (var root in search.VersionedRoots)
            if (NewestVersionedBin(root) is { } versioned)
                return new PostgresBinaries(versioned, root);

        if (FindOnPath("initdb") is { } initdb && Path.GetDirectoryName(initdb) is { } onPath && PostgresBinaries.Complete(onPath))
            return new PostgresBinaries(onPath, "PATH");

        return null;
    }

    /// <summary>The bin folder of the highest version under <paramref name="root"/> that is complete
    /// (<c>15</c> beats <c>9.6</c>, <c>postgresql@16</c> beats <c>postgresql@15</c>).</summary>
    private static string? NewestVersionedBin(string root)
    {
        if (!Directory.Exists(root)) return null;
        return Directory.EnumerateDirectories(root)
            .Select(dir => (dir, version: VersionOf(Path.GetFileName(dir))))
            .Where(x => x.version is not null)
            .OrderByDescending(x => x.version)
            .Select(x => Path.Combine(x.dir, "bin"))
            .FirstOrDefault(PostgresBinaries.Complete);
    }

    private static Version? VersionOf(string folderName)
    {
        var digits = folderName[(folderName.IndexOf('@') + 1)..];
        if (int.TryParse(digits, out var major)) return new Version(major, 0);
        return Version.TryParse(digits, out var version) ? version : null;
    }

    private string? FindOnPath(string program) =>
        (search.PathVariable ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, program))
            .FirstOrDefault(File.Exists);

    private static async Task<string?> AskBinDirAsync(string pgConfig, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(pgConfig, ["--bindir"]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        try
        {
            using var process = Process.Start(start);
            if (process is null) return null;
            var output = await process.StandardOutput.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            var dir = output.Trim();
            return process.ExitCode == 0 && dir.Length > 0 ? dir : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // not executable: treat as absent and keep looking
        }
    }
}
