namespace Sluice.Benchmarks.Backfill;

/// <summary>The machine's CPU time from <c>/proc/stat</c> (all cores, in clock ticks), to tell how much headroom a
/// writer load leaves.</summary>
internal readonly record struct MachineCpu(long Busy, long Total)
{
    public static MachineCpu Read()
    {
        if (!File.Exists("/proc/stat")) return default;
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(long.Parse).ToArray();
        var idle = fields[3] + fields[4]; // idle + iowait
        var total = fields.Take(8).Sum(); // user..steal; guest time is already inside user
        return new MachineCpu(total - idle, total);
    }

    public double BusySince(MachineCpu before) => Total == before.Total ? 0 : (double)(Busy - before.Busy) / (Total - before.Total);
}
