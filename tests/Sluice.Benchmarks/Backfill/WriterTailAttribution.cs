using System.Diagnostics;

namespace Sluice.Benchmarks.Backfill;

/// <summary>One application write: when it started and ended (<see cref="Stopwatch"/> timestamps) and the key it updated.</summary>
internal readonly record struct WriteSample(long Start, long End, long Key)
{
    public TimeSpan Duration => Stopwatch.GetElapsedTime(Start, End);
}

/// <summary>One committed batch: its key range (lower, upper] and when its transaction started and committed.</summary>
internal readonly record struct BatchWindow(long Lower, long Upper, long Start, long Commit);

/// <summary>What a batched run did when, as the runner's progress reports show it, for <see cref="WriterTailAttribution"/>.</summary>
internal sealed class RunTimeline
{
    public List<BatchWindow> Batches { get; } = [];

    /// <summary>When the backfill phase started and when its last batch committed; before it the expand phase is
    /// re-checked, after it the verify scans the table.</summary>
    public long BackfillStart { get; set; }

    public long BackfillEnd { get; set; }
}

/// <summary>
/// Why writes were slow: each write slower than the threshold is put in the first cause that fits, in this order:
/// <list type="number">
/// <item>row lock: its key lay in the range of a batch whose transaction overlapped it (the batch had locked or was
/// about to lock the row; the write waits until the batch commits);</item>
/// <item>behind a commit: it overlapped a batch's commit, whose WAL flush the write's own commit waits behind;</item>
/// <item>outside the backfill: it ran during the expand's re-check or the verify's scan of the table;</item>
/// <item>other: CPU (two cores shared by the writers, the backfill and the server), checkpoints, autovacuum.</item>
/// </list>
/// </summary>
internal static class WriterTailAttribution
{
    /// <summary>A commit's WAL flush is taken to span this long before the commit was reported.</summary>
    private static readonly TimeSpan CommitSpan = TimeSpan.FromMilliseconds(2);

    public static IReadOnlyList<string> Causes { get; } = ["row lock (key in the running batch)", "behind a batch's commit", "expand re-check or verify", "other (CPU, checkpoint, vacuum)"];

    /// <summary>Counts of the slow writes per cause (in <see cref="Causes"/>' order), and the share of all writes whose
    /// key met a running batch's range, slow or not.</summary>
    public static (int[] Slow, double KeyInBatchShare) Attribute(IReadOnlyList<WriteSample> writes, RunTimeline timeline, TimeSpan threshold)
    {
        var batches = timeline.Batches.OrderBy(b => b.Start).ToArray();
        var starts = batches.Select(b => b.Start).ToArray();
        var commitSpan = (long)(CommitSpan.TotalSeconds * Stopwatch.Frequency);
        var slow = new int[Causes.Count];
        var keyInBatch = 0;
        foreach (var write in writes)
        {
            var overlapping = Overlapping(batches, starts, write);
            var lockedBy = overlapping.Any(b => write.Key > b.Lower && write.Key <= b.Upper);
            if (lockedBy) keyInBatch++;
            if (write.Duration <= threshold) continue;
            var cause = lockedBy ? 0
                : overlapping.Any(b => b.Commit - commitSpan <= write.End && b.Commit >= write.Start) ? 1
                : write.End < timeline.BackfillStart || write.Start > timeline.BackfillEnd ? 2
                : 3;
            slow[cause]++;
        }
        return (slow, writes.Count == 0 ? 0 : (double)keyInBatch / writes.Count);
    }

    /// <summary>The batches whose transaction overlapped the write (batches do not overlap each other).</summary>
    private static IEnumerable<BatchWindow> Overlapping(BatchWindow[] batches, long[] starts, WriteSample write)
    {
        var i = Array.BinarySearch(starts, write.End);
        i = i < 0 ? ~i - 1 : i;
        for (; i >= 0 && batches[i].Commit >= write.Start; i--)
            yield return batches[i];
    }
}
