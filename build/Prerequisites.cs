using Sluice.Build;
using Sluice.Errors;

namespace Sluice.Repository;

/// <summary>
/// Installs what this repository's tests need on a fresh machine: PostgreSQL 15 from the OS packages (the tests
/// start their own clusters from its binaries) and Prometheus (its <c>promtool</c> checks and unit-tests the generated
/// alert rules; the canary tests start a real one). Without root or apt-get it stops with the command to run instead.
/// </summary>
internal sealed class Prerequisites(IBuildHost host, AbsolutePath root)
{
    private sealed record Package(string Name, string What, string Why, string BrewName, Func<bool> Installed);

    private static readonly Package[] Packages =
    [
        new("postgresql-15", "PostgreSQL 15 binaries", "the tests run real PostgreSQL clusters", "postgresql@15",
            () => Directory.Exists("/usr/lib/postgresql") && Directory.GetFiles("/usr/lib/postgresql", "initdb", SearchOption.AllDirectories).Length > 0),
        new("prometheus", "Prometheus and its promtool", "the canary tests scrape the sample service with a real Prometheus; promtool checks and unit-tests the generated alert rules", "prometheus",
            () => File.Exists("/usr/bin/prometheus") && File.Exists("/usr/bin/promtool")),
    ];

    public async Task EnsureAsync(CancellationToken ct)
    {
        foreach (var package in Packages) await EnsureAsync(package, ct);
    }

    private async Task EnsureAsync(Package package, CancellationToken ct)
    {
        if (package.Installed())
        {
            host.Debug($"{package.What} found");
            return;
        }
        var hint = $"install them: sudo apt-get install -y {package.Name} (Debian/Ubuntu) or brew install {package.BrewName} (macOS)";
        if (!File.Exists("/usr/bin/apt-get")) throw new UsageException(ErrorCodes.BinariesMissing, $"{package.What} are missing", hint);
        // As root apt-get runs directly; elsewhere (a CI runner's user) through passwordless sudo when there is one.
        var asRoot = Environment.UserName == "root";
        if (!asRoot && (await ProcessTool.RunAsync(host, "sudo", ["-n", "true"], ct, root, echoOutput: false)).ExitCode != 0)
            throw new UsageException(ErrorCodes.BinariesMissing, $"{package.What} are missing and this user cannot install them", hint);

        host.Info($"installing {package.Name} ({package.Why})");
        var env = new Dictionary<string, string?> { ["DEBIAN_FRONTEND"] = "noninteractive" };
        await AptGetAsync(asRoot, ["update", "-qq"], env, ct);
        await AptGetAsync(asRoot, ["install", "-y", "-qq", "--no-install-recommends", package.Name], env, ct);
    }

    private async Task AptGetAsync(bool asRoot, string[] arguments, Dictionary<string, string?> env, CancellationToken ct)
    {
        var (file, args) = asRoot ? ("apt-get", arguments) : ("sudo", ["-n", "-E", "apt-get", .. arguments]);
        (await ProcessTool.RunAsync(host, file, args, ct, root, env)).EnsureSuccess($"apt-get {arguments[0]}");
    }
}
