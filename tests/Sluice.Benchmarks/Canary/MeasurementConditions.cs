using System.Globalization;
using System.Reflection;

namespace Sluice.Benchmarks.Canary;

/// <summary>
/// What the router figures are only worth under: every assembly on the measured path built in Release (a Debug
/// YARP host or shop is several times slower and its ratio says nothing), and a machine quiet enough that the
/// figures are the router's, not the neighbours'. Quiet means a 1-minute load average below the core count; with
/// <c>SLUICE_BENCH_WAIT_QUIET=MINUTES</c> the suite waits up to that long for it before measuring, and it always
/// prints what it found, so a figure from a busy machine says so beside it.
/// </summary>
internal static class MeasurementConditions
{
    public const string WaitVariable = "SLUICE_BENCH_WAIT_QUIET";

    /// <summary>The measured path's assemblies that are not Release builds: the suite's own, the router's, the shop's.</summary>
    public static IReadOnlyList<string> NotRelease(string shopAssembly)
    {
        var assemblies = new[] { typeof(MeasurementConditions).Assembly, typeof(Sluice.Traffic.Routing.YarpTrafficRouter).Assembly };
        var named = assemblies.Select(a => (a.GetName().Name!, a.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration)).ToList();
        if (File.Exists(shopAssembly)) named.Add(("Shop", Assembly.LoadFile(shopAssembly).GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration));
        return [.. named.Where(n => !string.Equals(n.Item2, "Release", StringComparison.Ordinal)).Select(n => $"{n.Item1} ({n.Item2 ?? "unknown"})")];
    }

    /// <summary>Waits (up to <see cref="WaitVariable"/> minutes, none by default) for a quiet machine; says what it found.</summary>
    public static async Task<string> QuietAsync(CancellationToken ct)
    {
        var patience = double.TryParse(Environment.GetEnvironmentVariable(WaitVariable), NumberStyles.Float, CultureInfo.InvariantCulture, out var minutes)
            ? TimeSpan.FromMinutes(minutes) : TimeSpan.Zero;
        var deadline = DateTime.UtcNow + patience;
        while (true)
        {
            var load = await OneMinuteLoadAsync(ct);
            var quiet = load is { } l && l < Environment.ProcessorCount;
            if (quiet || DateTime.UtcNow >= deadline)
                return string.Create(CultureInfo.InvariantCulture,
                    $"machine {(quiet ? "quiet" : "NOT quiet: figures below include other work")}: 1-minute load {load?.ToString("0.0", CultureInfo.InvariantCulture) ?? "unknown"} on {Environment.ProcessorCount} cores");
            await Task.Delay(TimeSpan.FromSeconds(10), ct);
        }
    }

    private static async Task<double?> OneMinuteLoadAsync(CancellationToken ct) =>
        File.Exists("/proc/loadavg") && double.TryParse((await File.ReadAllTextAsync("/proc/loadavg", ct)).Split(' ')[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var load)
            ? load : null;
}
