using Sluice.Build;
using Sluice.Errors;

namespace Sluice.Repository;

/// <summary>
/// Installs what this repository's tests need on a fresh machine: PostgreSQL 15 from the OS packages (the tests
/// start their own clusters from its binaries) and Debian's Prometheus (the canary tests start one). Without root or apt-get it stops with the command to run instead.
/// </summary>
internal sealed class Prerequisites(IBuildHost host, AbsolutePath root)
{
    private const string PostgresPackage = "postgresql-15";

    /// <summary>Debian's Prometheus (2.42): the canary tests scrape the sample service with a real one.</summary>
    private const string PrometheusPackage = "prometheus";

    public async Task EnsureAsync(CancellationToken ct)
    {
        var missing = new List<string>();
        if (Directory.Exists("/usr/lib/postgresql") && Directory.GetFiles("/usr/lib/postgresql", "initdb", SearchOption.AllDirectories).Length > 0)
            host.Debug("PostgreSQL binaries found under /usr/lib/postgresql");
        else missing.Add(PostgresPackage);
        if (File.Exists("/usr/bin/prometheus")) host.Debug("Prometheus found at /usr/bin/prometheus");
        else missing.Add(PrometheusPackage);
        if (missing.Count == 0) return;

        var hint = $"install them: sudo apt-get install -y {string.Join(' ', missing)} (Debian/Ubuntu) or brew install postgresql@15 prometheus (macOS)";
        if (!File.Exists("/usr/bin/apt-get")) throw new UsageException(ErrorCodes.BinariesMissing, $"{string.Join(" and ", missing)} missing", hint);
        // As root apt-get runs directly; elsewhere (a CI runner's user) through passwordless sudo when there is one.
        var asRoot = Environment.UserName == "root";
        if (!asRoot && (await ProcessTool.RunAsync(host, "sudo", ["-n", "true"], ct, root, echoOutput: false)).ExitCode != 0)
            throw new UsageException(ErrorCodes.BinariesMissing, $"{string.Join(" and ", missing)} missing and this user cannot install them", hint);

        host.Info($"installing {string.Join(", ", missing)} (the tests run real PostgreSQL clusters and a real Prometheus)");
        var env = new Dictionary<string, string?> { ["DEBIAN_FRONTEND"] = "noninteractive" };
        await AptGetAsync(asRoot, ["update", "-qq"], env, ct);
        await AptGetAsync(asRoot, ["install", "-y", "-qq", "--no-install-recommends", .. missing], env, ct);
    }

    private async Task AptGetAsync(bool asRoot, string[] arguments, Dictionary<string, string?> env, CancellationToken ct)
    {
        var (file, args) = asRoot ? ("apt-get", arguments) : ("sudo", ["-n", "-E", "apt-get", .. arguments]);
        (await ProcessTool.RunAsync(host, file, args, ct, root, env)).EnsureSuccess($"apt-get {arguments[0]}");
    }
}
