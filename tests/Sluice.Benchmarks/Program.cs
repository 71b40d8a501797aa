using System.Reflection;
using Sluice.Benchmarks;

// Usage: Sluice.Benchmarks [--large] [--root DIR] [--name=value ...] [SUITE ...]; without suites, every suite runs.
var large = args.Contains("--large");
var root = RootFrom(args) ?? FindRoot(AppContext.BaseDirectory) ?? Directory.GetCurrentDirectory();
var wanted = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal) && a != RootFrom(args)).ToHashSet(StringComparer.OrdinalIgnoreCase);

var suites = Assembly.GetExecutingAssembly().GetTypes()
    .Where(t => typeof(IBenchmarkSuite).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
    .Select(t => (IBenchmarkSuite)Activator.CreateInstance(t)!)
    .OrderBy(s => s.Name, StringComparer.Ordinal)
    .ToList();

var unknown = wanted.Except(suites.Select(s => s.Name), StringComparer.OrdinalIgnoreCase).ToList();
if (unknown.Count > 0)
{
    Console.Error.WriteLine($"error: unknown benchmark suite(s): {string.Join(", ", unknown)}; known: {string.Join(", ", suites.Select(s => s.Name))}");
    return 2;
}

using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
var context = new BenchmarkContext(root, Console.Out, large) { Arguments = args };
Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1L << 30)} GiB, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}");
foreach (var suite in suites.Where(s => wanted.Count == 0 || wanted.Contains(s.Name)))
{
    Console.WriteLine();
    Console.WriteLine($"== {suite.Name}: {suite.Description}");
    await suite.RunAsync(context, cts.Token);
}
return 0;

static string? RootFrom(string[] args)
{
    var i = Array.IndexOf(args, "--root");
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

static string? FindRoot(string start)
{
    for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        if (Directory.Exists(Path.Combine(dir.FullName, ".nuke"))) return dir.FullName;
    return null;
}
