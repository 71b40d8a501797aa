using Sluice.Build;

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
        if (!File.Exists("/usr/bin/apt-get") || Environment.UserName != "root")
            throw new UsageException("SLU010", "PostgreSQL 15 binaries are missing",
                $"install them: sudo apt-get install -y {PostgresPackage} (Debian/Ubuntu) or brew install postgresql@15 (macOS)");

        host.Info($"installing {PostgresPackage} (the tests run real PostgreSQL clusters)");
        var env = new Dictionary<string, string?> { ["DEBIAN_FRONTEND"] = "noninteractive" };
        (await ProcessTool.RunAsync(host, "apt-get", ["update", "-qq"], ct, root, env)).EnsureSuccess("apt-get update");
        (await ProcessTool.RunAsync(host, "apt-get", ["install", "-y", "-qq", "--no-install-recommends", PostgresPackage], ct, root, env)).EnsureSuccess("apt-get install");
    }
}
