using System.Diagnostics;

namespace Sluice.Benchmarks.Backfill;

/// <summary>
/// How the benchmark's writers send their writes. Closed loop (no rate): each writer sends its next write the moment
/// the last one returns, which saturates the machine, so every CPU cycle the backfill takes is queueing the writers
/// see. At a rate: each writer sends on a fixed schedule (exponential gaps around the mean, as independent clients
/// arrive), the way production's writers leave the server headroom; a write is timed from when it was due whenever
/// the one before it overran its slot, so a stall is counted in full rather than hidden by the writer waiting out
/// (coordinated omission).
/// </summary>
internal sealed record WriterLoad(int? TotalPerSecond, string? Pgbench = null)
{
    public string Describe(int writers) => Pgbench is not null
        ? $"pgbench in its own process at {TotalPerSecond:N0} writes/s in all (-R, Poisson arrivals, latency from the scheduled start)"
        : TotalPerSecond is { } rate
        ? $"{rate:N0} writes/s in all ({rate / writers:N0}/s each, Poisson arrivals, timed from when each write was due)"
        : "closed loop (each writer's next write as soon as its last returns)";

    public WriteSchedule Schedule(int writers, Random random) => new(TotalPerSecond is { } rate ? (double)rate / writers : null, random);
}

/// <summary>One writer's schedule under a <see cref="WriterLoad"/>.</summary>
internal sealed class WriteSchedule(double? perSecond, Random random)
{
    private long _due = Stopwatch.GetTimestamp();
    private long _lastEnd;

    /// <summary>Waits until the next write is due and returns the timestamp it is timed from, or null when stopped.</summary>
    public async Task<long?> NextAsync(CancellationToken stop)
    {
        if (perSecond is not { } rate) return Stopwatch.GetTimestamp();
        _due += (long)(-Math.Log(1 - random.NextDouble()) / rate * Stopwatch.Frequency);
        var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), _due);
        if (wait > TimeSpan.Zero)
        {
            try { await Task.Delay(wait, stop); }
            catch (OperationCanceledException) { return null; }
        }
        // Behind because the last write ran past this one's due time: timed from the due time (the stall is the
        // writers'). Behind only because the timer woke late: timed from now (the wake-up is the benchmark's).
        return _lastEnd > _due ? _due : Stopwatch.GetTimestamp();
    }

    public void Completed(long end) => _lastEnd = end;
}
