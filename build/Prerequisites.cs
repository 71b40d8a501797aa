using Sluice.Build;
using Sluice.Errors;

namespace Sluice.Repository;

/// <summary>
/// Installs what this repository's tests need on a fresh machine: PostgreSQL 15 from the OS packages (the tests
/// start their own clusters from its binaries). Without root or apt-get it stops with the command to run instead.
/// </summary>
internal sealed class Prerequisites(IBuildHost host, AbsolutePath root)
{
    private const string PostgresPackage = "postgresql-15";

    public async Task EnsureAsync(CancellationToken ct)
    {
        if (Directory.Exists("/usr/lib/postgresql") && Directory.GetFiles("/usr/lib/postgresql", "initdb", SearchOption.AllDirectories).Length > 0)
        {
            host.Debug("PostgreSQL binaries found under /usr/lib/postgresql");
            return;
        }
        var hint = $"install them: sudo apt-get install -y {PostgresPackage} (Debian/Ubuntu) or brew install postgresql@15 (macOS)";
        if (!File.Exists("/usr/bin/apt-get")) throw new UsageException(ErrorCodes.BinariesMissing, "PostgreSQL 15 binaries are missing", hint);
        // As root apt-get runs directly; elsewhere (a CI runner's user) through passwordless sudo when there is one.
        var asRoot = Environment.UserName == "root";
        if (!asRoot && (await ProcessTool.RunAsync(host, "sudo", ["-n", "true"], ct, root, echoOutput: false)).ExitCode != 0)
            throw new UsageException(ErrorCodes.BinariesMissing, "PostgreSQL 15 binaries are missing and this user cannot install them", hint);

        host.Info($"installing {PostgresPackage} (the tests run real PostgreSQL clusters)");
        var env = new Dictionary<string, string?> { ["DEBIAN_FRONTEND"] = "noninteractive" };
        await AptGetAsync(asRoot, ["update", "-qq"], env, ct);
        await AptGetAsync(asRoot, ["install", "-y", "-qq", "--no-install-recommends", PostgresPackage], env, ct);
    }

    private async Task AptGetAsync(bool asRoot, string[] arguments, Dictionary<string, string?> env, CancellationToken ct)
    {
        var (file, args) = asRoot ? ("apt-get", arguments) : ("sudo", ["-n", "-E", "apt-get", .. arguments]);
        (await ProcessTool.RunAsync(host, file, args, ct, root, env)).EnsureSuccess($"apt-get {arguments[0]}");
    }
}
