using System.Diagnostics;

namespace Sluice.Benchmarks.Scale;

/// <summary>What one piece of work cost this process: its time and the most memory it held while running.</summary>
/// <param name="PeakResidentBytes">The kernel's high-water mark of the process's resident set (VmHWM in
/// /proc/self/status), reset just before the work (writing 5 to /proc/self/clear_refs); it covers everything the
/// process maps: managed heap, native buffers (Npgsql's), the runtime and its code.</param>
/// <param name="PeakManagedBytes">The largest managed heap seen by a 10 ms sampler (GC.GetTotalMemory without a
/// collection): what the code keeps in objects, without the runtime's fixed cost.</param>
/// <param name="BaselineResidentBytes">The resident set when the work started (after a compacting collection):
/// the part of the peak the work did not add.</param>
public sealed record WorkCost(TimeSpan Elapsed, long PeakResidentBytes, long PeakManagedBytes, long BaselineResidentBytes);

/// <summary>
/// Measures a piece of work's time and this process's peak memory. The resident peak is the kernel's own high-water
/// mark, so a spike between two samples is not missed; child processes (pg_dump, pg_restore) and the PostgreSQL server
/// are other processes and are not counted.
/// </summary>
internal static class PeakMemory
{
    private const string Status = "/proc/self/status";
    private const string ClearRefs = "/proc/self/clear_refs";

    public static async Task<(T Result, WorkCost Cost)> MeasureAsync<T>(Func<Task<T>> work)
    {
        // Freed memory from earlier work goes back to the system first, so the next peak starts from this work's floor.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        ResetHighWaterMark();
        var baseline = ReadStatus("VmRSS:");
        long managedPeak = GC.GetTotalMemory(false);
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
            try
            {
                while (await timer.WaitForNextTickAsync(stop.Token))
                    managedPeak = Math.Max(managedPeak, GC.GetTotalMemory(false));
            }
            catch (OperationCanceledException)
            {
                // the work finished
            }
        }, CancellationToken.None);
        var clock = Stopwatch.StartNew();
        var result = await work();
        var elapsed = clock.Elapsed;
        await stop.CancelAsync();
        await sampler;
        managedPeak = Math.Max(managedPeak, GC.GetTotalMemory(false));
        return (result, new WorkCost(elapsed, ReadStatus("VmHWM:"), managedPeak, baseline));
    }

    /// <summary>Says how the resident peak is measured on this machine (printed beside the figures).</summary>
    public static string Method => File.Exists(ClearRefs)
        ? "peak RSS = VmHWM from /proc/self/status, reset through /proc/self/clear_refs before each size; peak heap = GC.GetTotalMemory sampled every 10 ms"
        : "peak RSS unavailable (no /proc); peak heap = GC.GetTotalMemory sampled every 10 ms";

    private static void ResetHighWaterMark()
    {
        // Resetting the peak RSS needs Linux 4.0 or later; without it the figure is the process's lifetime peak.
        if (File.Exists(ClearRefs)) File.WriteAllText(ClearRefs, "5");
    }

    private static long ReadStatus(string field)
    {
        if (!File.Exists(Status)) return 0;
        var line = File.ReadLines(Status).FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal));
        // "VmHWM:	  320720 kB"
        return line is null ? 0 : long.Parse(line[field.Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) * 1024;
    }
}
