using System.Diagnostics;
using Sluice.Build;

namespace Sluice.Benchmarks.Engine;

/// <summary>
/// The engine's own costs: planning a 1,000-target graph, and how much the bootstrapper adds to a warm
/// <c>./build.sh --help</c> over running the build assembly directly (the baseline, measured in the same run).
/// </summary>
public sealed class EngineBenchmarks : IBenchmarkSuite
{
    public string Name => "engine";

    public string Description => "planning a 1,000-target graph; warm ./build.sh --help against the build assembly";

    public async Task RunAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        MeasurePlanning(context.Output, targets: 1_000);
        await MeasureBootstrapperAsync(context, cancellationToken);
    }

    private static void MeasurePlanning(TextWriter output, int targets)
    {
        var catalog = LayeredGraph(targets, seed: 42);
        var invoked = new[] { catalog.Targets[^1].Name };
        var all = catalog.Targets.Select(t => t.Name).ToArray();
        for (var i = 0; i < 20; i++) ExecutionPlanner.Plan(catalog, invoked); // warm-up: JIT and caches

        var oneRoot = Median(50, () => ExecutionPlanner.Plan(catalog, invoked));
        var everything = Median(50, () => ExecutionPlanner.Plan(catalog, all));
        var plan = ExecutionPlanner.Plan(catalog, all);
        output.WriteLine($"planning {targets:N0} targets ({catalog.Targets.Sum(t => t.DependsOn.Count + t.After.Count + t.Triggers.Count):N0} edges):");
        output.WriteLine($"  invoke the last target:  {oneRoot.TotalMilliseconds,8:0.000} ms (median of 50)");
        output.WriteLine($"  invoke all {plan.Targets.Count} targets:  {everything.TotalMilliseconds,8:0.000} ms (median of 50)");
    }

    /// <summary>Each target depends on up to three earlier ones, orders after one more, and every tenth triggers a later one.</summary>
    private static TargetCatalog LayeredGraph(int count, int seed)
    {
        var random = new Random(seed);
        var targets = Enumerable.Range(0, count).Select(i => new BuildTarget($"T{i:0000}", typeof(EngineBenchmarks), new TargetDefinition())).ToList();
        for (var i = 0; i < count; i++)
        {
            var t = targets[i];
            t.DependsOn = i == 0 ? [] : Enumerable.Range(0, Math.Min(i, 3)).Select(_ => targets[random.Next(i)].Name).Distinct().ToList();
            t.After = i < 2 ? [] : [targets[random.Next(i)].Name];
            t.Triggers = i % 10 == 0 && i + 1 < count ? [targets[random.Next(i + 1, count)].Name] : [];
        }
        return TargetCatalog.FromTargets(targets);
    }

    private static async Task MeasureBootstrapperAsync(BenchmarkContext context, CancellationToken ct)
    {
        var buildSh = Path.Combine(context.RepositoryRoot, "build.sh");
        var assembly = Path.Combine(context.RepositoryRoot, "artifacts", "bin", "_build", "debug", "_build.dll");
        await RunAsync("bash", [buildSh, "--help"], context.RepositoryRoot, ct); // makes sure it is built and warm
        if (!File.Exists(assembly))
        {
            context.Output.WriteLine($"bootstrapper: {assembly} missing after ./build.sh --help; skipped");
            return;
        }

        const int runs = 10;
        var direct = new List<TimeSpan>();
        var viaScript = new List<TimeSpan>();
        for (var i = 0; i < runs; i++)
        {
            // Interleaved so that background noise hits both alike.
            direct.Add(await RunAsync("dotnet", [assembly, "--help"], context.RepositoryRoot, ct));
            viaScript.Add(await RunAsync("bash", [buildSh, "--help"], context.RepositoryRoot, ct));
        }
        var d = MedianOf(direct);
        var s = MedianOf(viaScript);
        context.Output.WriteLine($"warm --help, median of {runs}:");
        context.Output.WriteLine($"  dotnet _build.dll --help: {d.TotalMilliseconds,7:0} ms (baseline)");
        context.Output.WriteLine($"  ./build.sh --help:        {s.TotalMilliseconds,7:0} ms  ratio {s / d:0.00}x");
    }

    private static async Task<TimeSpan> RunAsync(string file, string[] arguments, string workingDirectory, CancellationToken ct)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var drainOut = process.StandardOutput.ReadToEndAsync(ct);
        var drainErr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        await Task.WhenAll(drainOut, drainErr);
        watch.Stop();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited {process.ExitCode}: {await drainErr}");
        return watch.Elapsed;
    }

    private static TimeSpan Median(int runs, Action action)
    {
        var times = new List<TimeSpan>(runs);
        for (var i = 0; i < runs; i++)
        {
            var watch = Stopwatch.StartNew();
            action();
            times.Add(watch.Elapsed);
        }
        return MedianOf(times);
    }

    private static TimeSpan MedianOf(List<TimeSpan> times)
    {
        times.Sort();
        return times[times.Count / 2];
    }
}
