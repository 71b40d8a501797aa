using System.Diagnostics;

namespace Sluice.Benchmarks.Backfill;

/// <summary>
/// The writers with and without the backfill at nearly the same moments, for a reading of the writers' p99 that the
/// server's drift does not decide: the backfill runs in slices (the runner's time budget: it checkpoints and ends, the
/// next run resumes) with a pause of the same length before each, while one writer load runs throughout. Writes due
/// while a slice's batches ran are the backfill's; writes due in a pause, after its first <see cref="Settle"/> (which
/// the last batch's commit may still reach), are the baseline's. A drift over minutes (the writers alone moved between
/// 1.8 and 90.6 ms p99 from one 10 s window to the next) then falls on both sides alike.
/// </summary>
internal sealed class PairedWindows
{
    /// <summary>How long each backfill slice and each pause lasts.</summary>
    public static readonly TimeSpan Slice = TimeSpan.FromSeconds(2);

    /// <summary>The start of a pause left out of the baseline.</summary>
    public static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(500);

    /// <summary>Each pair: the pause's counted span, then the span of the next slice's batches (first start to last commit).</summary>
    public List<(Window Idle, Window Backfill)> Pairs { get; } = [];

    /// <summary>Pauses and slices until the backfill completes, on one timeline across the runs.</summary>
    public async Task RunAsync(string connectionString, string pipelines, RunTimeline timeline, CancellationToken cancellationToken)
    {
        for (var completed = false; !completed;)
        {
            var idle = await SettledSliceAsync(cancellationToken);
            var before = timeline.Batches.Count;
            completed = (await BackfillBenchmarks.BatchedAsync(connectionString, pipelines, cancellationToken, timeline, timeBudget: Slice)).Completed;
            if (timeline.Batches.Count > before) Pairs.Add((idle, new Window(timeline.Batches[before].Start, timeline.Batches[^1].Commit)));
        }
    }

    /// <summary>The writes due in the pauses and those due during the slices' batches, pooled, and each pair's p99 ratio.</summary>
    public WindowPairs.Reading Split(IReadOnlyList<WriteSample> writes) => WindowPairs.Split(Pairs, writes);

    /// <summary>Waits one <see cref="Slice"/> and returns its span without the first <see cref="Settle"/>.</summary>
    internal static async Task<Window> SettledSliceAsync(CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        await Task.Delay(Slice, cancellationToken);
        return new Window(start + (long)(Settle.TotalSeconds * Stopwatch.Frequency), Stopwatch.GetTimestamp());
    }
}
