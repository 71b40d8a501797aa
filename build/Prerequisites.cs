using Sluice.Build;
using Sluice.Errors;

namespace Sluice.Repository;

/// <summary>
/// Installs what a run needs on a fresh machine, from the OS packages, in one apt-get: PostgreSQL 15 for a local
/// environment and for the tests (they start their own clusters from its binaries), and for the tests also Prometheus
/// (the canary tests scrape the sample service with a real one; promtool checks and unit-tests the generated alert
/// rules; the telemetry tests push to a real Pushgateway) and Chromium (the report tests open each page in it, as a person would). Without root or apt-get it stops with the command to
/// run instead.
/// </summary>
internal sealed class Prerequisites(IBuildHost host, AbsolutePath root)
{
    /// <summary>A Debian package, what the tests use it for, and how to tell it is already there.</summary>
    private sealed record Need(string Package, string Brew, string Purpose, Func<bool> Present);

    private static readonly Need Postgres =
        new("postgresql-15", "postgresql@15", "PostgreSQL 15 binaries (the tests run real clusters)",
            () => Directory.Exists("/usr/lib/postgresql") && Directory.GetFiles("/usr/lib/postgresql", "initdb", SearchOption.AllDirectories).Length > 0);

    private static readonly Need Chromium =
        new("chromium", "--cask chromium", "Chromium (the report tests open the pages in a headless browser)",
            () => Environment.GetEnvironmentVariable("SLUICE_CHROMIUM") is { Length: > 0 } set ? File.Exists(set) : File.Exists("/usr/bin/chromium") || File.Exists("/usr/bin/chromium-browser"));

    private static readonly Need Prometheus =
        new("prometheus", "prometheus", "Prometheus and promtool (the canary tests scrape with a real one; promtool checks the alert rules)",
            () => File.Exists("/usr/bin/prometheus") && File.Exists("/usr/bin/promtool"));

    private static readonly Need Pushgateway =
        new("prometheus-pushgateway", "prometheus-pushgateway", "the Prometheus Pushgateway (the telemetry tests push a Promote's metrics to a real one)",
            () => File.Exists("/usr/bin/prometheus-pushgateway"));

    private static readonly Need Node =
        new("nodejs", "node", "Node.js (the CI validators and the official cloud clients the fakes are checked against run in it)",
            () => File.Exists("/usr/bin/node"));

    private static readonly Need Npm =
        new("npm", "node", "npm (installs the validators under tests/validators offline-first, with npm ci)",
            () => File.Exists("/usr/bin/npm"));

    /// <summary>What a local environment needs: PostgreSQL 15.</summary>
    public Task EnsureAsync(CancellationToken ct) => EnsureAsync([Postgres], ct);

    /// <summary>What the tests need: PostgreSQL 15, Prometheus, its Pushgateway, Chromium, Node.js and npm.</summary>
    public Task EnsureForTestsAsync(CancellationToken ct) => EnsureAsync([Postgres, Prometheus, Pushgateway, Chromium, Node, Npm], ct);

    private async Task EnsureAsync(Need[] needs, CancellationToken ct)
    {
        var missing = needs.Where(n => !n.Present()).ToList();
        if (missing.Count == 0)
        {
            host.Debug($"found {string.Join(", ", needs.Select(n => n.Package))}");
            return;
        }
        var what = string.Join(" and ", missing.Select(n => n.Purpose));
        var packages = missing.Select(n => n.Package).ToArray();
        var hint = $"install them: sudo apt-get install -y {string.Join(' ', packages)} (Debian/Ubuntu) or {string.Join("; ", missing.Select(n => $"brew install {n.Brew}"))} (macOS)";
        if (!File.Exists("/usr/bin/apt-get")) throw new UsageException(ErrorCodes.BinariesMissing, $"{what}: missing", hint);
        // As root apt-get runs directly; elsewhere (a CI runner's user) through passwordless sudo when there is one.
        var asRoot = Environment.UserName == "root";
        if (!asRoot && (await ProcessTool.RunAsync(host, "sudo", ["-n", "true"], ct, root, echoOutput: false)).ExitCode != 0)
            throw new UsageException(ErrorCodes.BinariesMissing, $"{what}: missing, and this user cannot install them", hint);

        host.Info($"installing {string.Join(", ", packages)}: {what}");
        var env = new Dictionary<string, string?> { ["DEBIAN_FRONTEND"] = "noninteractive" };
        await AptGetAsync(asRoot, ["update", "-qq"], env, ct);
        await AptGetAsync(asRoot, ["install", "-y", "-qq", "--no-install-recommends", .. packages], env, ct);
    }
    private async Task AptGetAsync(bool asRoot, string[] arguments, Dictionary<string, string?> env, CancellationToken ct)
    {
        var (file, args) = asRoot ? ("apt-get", arguments) : ("sudo", ["-n", "-E", "apt-get", .. arguments]);
        (await ProcessTool.RunAsync(host, file, args, ct, root, env)).EnsureSuccess($"apt-get {arguments[0]}");
    }
}
