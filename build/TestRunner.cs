using System.Xml.Linq;
using Sluice.Build;

namespace Sluice.Repository;

/// <summary>
/// Runs each test project with a TRX logger, one after the other (two cores), the database projects once per
/// PostgreSQL version (the extra versions side by side), and adds up the counters so the run ends with one line CI can read: <c>N passed, N failed</c>.
/// </summary>
internal sealed class TestRunner(IBuildHost host, AbsolutePath root, string configuration)
{
    /// <summary>The projects that test PostgreSQL itself: they run once more on each extra version (a label
    /// <c>-pg14</c>, <c>-pg18</c>). The others start clusters only as scaffolding (Repository.Tests builds and runs
    /// this repository's build; Sluice.Traffic.Tests routes HTTP), so one version is enough for them and the
    /// 30-minute budget.</summary>
    public static readonly IReadOnlySet<string> DatabaseProjects = new HashSet<string>(["Sluice.Postgres.Tests", "Shop.Tests"], StringComparer.Ordinal);

    /// <param name="filter">Only the projects whose name contains one of these (all when empty).</param>
    /// <param name="versions">The PostgreSQL installs the <see cref="DatabaseProjects"/> run against as well, through
    /// <c>SLUICE_PG_BIN</c>, beside the machine's default one.</param>
    /// <param name="onlyMajor">A CI matrix cell's <c>SLUICE_PG_VERSION</c>: every selected project runs on that version
    /// alone (the OS's default for 15).</param>
    public async Task RunAsync(IReadOnlyList<string> filter, IReadOnlyList<PostgresVersions.Install> versions, int? onlyMajor, CancellationToken ct)
    {
        if (onlyMajor is { } major && major != PostgresVersions.OsMajor && versions.All(v => v.Major != major))
            throw new UsageException(EngineErrorCodes.BadParameter, $"SLUICE_PG_VERSION={major}: the test set-up installs PostgreSQL {PostgresVersions.OsMajor} and {string.Join(", ", versions.Select(v => v.Major))} only",
                "use one of those, or add the major to tests/postgres-versions/package.json and PostgresVersions");
        var results = root / "artifacts" / "test-results";
        if (Directory.Exists(results)) Directory.Delete(results, recursive: true);
        var projects = Directory.GetFiles(root / "tests", "*.csproj", SearchOption.AllDirectories)
            .Where(IsTestProject)
            .Where(p => filter.Count == 0 || filter.Any(f => Path.GetFileNameWithoutExtension(p).Contains(f, StringComparison.OrdinalIgnoreCase)))
            .Order(StringComparer.Ordinal)
            .ToList();
        if (projects.Count == 0) throw new UsageException(EngineErrorCodes.BadParameter, "no test project matches --test-projects", "check the names under tests/");

        int passed = 0, failed = 0, skipped = 0;
        var broken = new List<string>();
        foreach (var project in projects)
        {
            var name = Path.GetFileNameWithoutExtension(project);
            var runs = new List<(string Label, Dictionary<string, string?> Environment, string[] Filter)>();
            if (onlyMajor is null or PostgresVersions.OsMajor) runs.Add((name, [], []));
            if (onlyMajor is not null || DatabaseProjects.Contains(name))
                runs.AddRange(versions.Where(v => onlyMajor is null || v.Major == onlyMajor).Select(v => ($"{name}-pg{v.Major}", new Dictionary<string, string?> { ["SLUICE_PG_BIN"] = v.BinFolder },
                    v.PgDumpServes ? Array.Empty<string>() : ["--filter", PostgresVersions.PgDumpTrait.Replace("=", "!=", StringComparison.Ordinal)])));
            // The extra versions of a database project run side by side: each has its own clusters, and most of their
            // time is spent waiting on servers, which keeps the whole run inside its 30 minutes on two cores. Their
            // output is printed whole when each ends, so the logs do not interleave.
            var first = runs.Take(runs.Count > 0 && runs[0].Environment.Count == 0 ? 1 : 0).ToList();
            var sideBySide = runs.Skip(first.Count).ToList();
            if (sideBySide.Count == 1) (first, sideBySide) = ([.. first, .. sideBySide], []);
            var outcomes = new List<(string Label, ProcessResult Run)>();
            foreach (var (label, environment, versionFilter) in first)
            {
                using var group = host.Group($"test {label}");
                outcomes.Add((label, await RunProjectAsync(project, label, environment, versionFilter, results, echo: true, ct)));
            }
            var parallel = sideBySide.Select(async r => (r.Label, Run: await RunProjectAsync(project, r.Label, r.Environment, r.Filter, results, echo: false, ct))).ToList();
            foreach (var done in await Task.WhenAll(parallel))
            {
                using (host.Group($"test {done.Label}")) host.Info(done.Run.Output.TrimEnd());
                outcomes.Add(done);
            }
            foreach (var (label, run) in outcomes)
            {
                var counters = ReadCounters(Path.Combine(results, $"{label}.trx"));
                if (counters is null)
                {
                    broken.Add($"{label} (exit code {run.ExitCode}, no results)");
                    failed++;
                    continue;
                }
                passed += counters.Value.Passed;
                failed += counters.Value.Failed;
                skipped += counters.Value.Skipped;
                if (run.ExitCode != 0 && counters.Value.Failed == 0) broken.Add($"{label} (exit code {run.ExitCode})");
                host.Info($"{label}: {counters.Value.Passed} passed, {counters.Value.Failed} failed, {counters.Value.Skipped} skipped");
            }
        }

        host.AppendSummary($"### Tests\n\n{passed} passed, {failed} failed, {skipped} skipped\n");
        // The closing line CI reads; printed whatever the outcome.
        host.Info(skipped > 0 ? $"{passed} passed, {failed} failed, {skipped} skipped" : $"{passed} passed, {failed} failed");
        if (broken.Count > 0) throw new InvalidOperationException($"test projects failed to run: {string.Join(", ", broken)}");
        if (failed > 0) throw new InvalidOperationException($"{failed} test(s) failed");
    }

    private Task<ProcessResult> RunProjectAsync(string project, string label, IReadOnlyDictionary<string, string?> environment, string[] filter,
        string results, bool echo, CancellationToken ct) =>
        ProcessTool.RunAsync(host, "dotnet",
            ["test", project, "--no-build", "--nologo", "-c", configuration,
             "--logger", $"trx;LogFileName={label}.trx", "--results-directory", results, .. filter],
            ct, root, environment, echoOutput: echo);

    private static bool IsTestProject(string path) =>
        XDocument.Load(path).Descendants("IsTestProject").Any(e => e.Value.Trim().Equals("true", StringComparison.OrdinalIgnoreCase));

    private static (int Passed, int Failed, int Skipped)? ReadCounters(string trx)
    {
        if (!File.Exists(trx)) return null;
        var counters = XDocument.Load(trx).Descendants().FirstOrDefault(e => e.Name.LocalName == "Counters");
        if (counters is null) return null;
        int Read(string attribute) => int.TryParse(counters.Attribute(attribute)?.Value, out var n) ? n : 0;
        return (Read("passed"), Read("failed") + Read("error") + Read("timeout") + Read("aborted"), Read("notExecuted"));
    }
}
