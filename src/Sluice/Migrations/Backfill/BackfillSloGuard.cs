using Sluice.Migrations.Plans;

namespace Sluice.Migrations.Backfill;

/// <summary>What <see cref="BackfillSloGuard"/> decided about one batch.</summary>
public enum SloAction
{
    /// <summary>The batch stayed within the plan's SLO.</summary>
    Within,
    /// <summary>It did not: run smaller batches (and, for the writers' p99, pause between them).</summary>
    Throttle,
    /// <summary>It did not, and smaller batches cannot help: stop the phase (SLU251; Promote rolls it back).</summary>
    Stop,
}

/// <summary>The verdict on one batch (or one window of the writers' latency): the action, the size to shrink to, what
/// was seen against which bound, and what to do.</summary>
public sealed record SloVerdict(SloAction Action, int? ShrinkTo, string? Evidence, string? Remedy)
{
    public static readonly SloVerdict Within = new(SloAction.Within, null, null, null);

    /// <summary>A ceiling the batch size may not grow past again for the rest of the phase (the batch sizer would
    /// otherwise grow it back within a few fast batches); null for none.</summary>
    public int? CapAt { get; init; }

    /// <summary>The pause to keep between batches from now on (pacing: the writers get the time between batches free of
    /// the backfill's locks and load); null to keep the pause as it is.</summary>
    public TimeSpan? Pace { get; init; }
}

/// <summary>
/// Holds a backfill to its plan's <c>slo:</c> with the three bounds the live database shows: batch by batch, a batch's
/// lock hold (its transaction's time) against <c>longest_lock_hold</c> and the longest wait of a writer blocked behind
/// it against <c>longest_write_block</c>; window by window (<see cref="WriterLatencyWatch"/>), the writers' estimated
/// p99 against <c>writer_p99_increase</c> times their baseline's. The rules, in order (1–4 for a batch, 5–8 for a
/// window; each kind counts its breaches in a row on its own, since a window spans several batches):
/// <list type="number">
/// <item>The plan states neither batch bound: within.</item>
/// <item>The batch stayed within both: within, and the count of breaches in a row starts again.</item>
/// <item>A breach while the batch size can still shrink and fewer than <see cref="BreachesBeforeStop"/> breaches came
/// in a row: throttle to the size that would have fit with a fifth to spare (size × bound / seen × 0.8).</item>
/// <item>A breach at the smallest batch size, or the <see cref="BreachesBeforeStop"/>th in a row: stop.</item>
/// <item>The plan states no <c>writer_p99_increase</c>: within.</item>
/// <item>The window's p99 is within the bound times the baseline's, or less than <see cref="NegligibleRise"/> above it:
/// within, and the count of writer breaches in a row starts again.</item>
/// <item>A breach, fewer than <see cref="BreachesBeforeStop"/> in a row, while the batch can still shrink or the
/// backfill is not paced yet: throttle. The batch size is capped at half the current one (unless already the
/// smallest), and the backfill pauses between batches for the longest of twice the pause it keeps now (the plan's
/// <c>pause_between_batches</c> or an earlier throttle's), the last batch's time and <see cref="MinimumPace"/> (a pause as long as a batch keeps the table free of its locks half the time).</item>
/// <item>A breach at the smallest batch size with the backfill already paced, or the <see cref="BreachesBeforeStop"/>th
/// in a row: stop.</item>
/// </list>
/// </summary>
public sealed class BackfillSloGuard(PlanSlo? slo)
{
    /// <summary>Breaches in a row after which throttling has visibly failed.</summary>
    public const int BreachesBeforeStop = 3;

    /// <summary>A p99 rise below this is within whatever the ratio: <c>pg_stat_statements</c> times the server's side
    /// only, and a writer's own p99 adds at least a network round trip, so a rise from 0.1 to 0.5 ms (5x on the server)
    /// is not one a writer feels.</summary>
    public static readonly TimeSpan NegligibleRise = TimeSpan.FromMilliseconds(1);

    /// <summary>The shortest pause pacing sets between batches.</summary>
    public static readonly TimeSpan MinimumPace = TimeSpan.FromMilliseconds(100);

    private int _inARow;
    private int _writerBreachesInARow;
    private TimeSpan? _pace;

    public SloVerdict Judge(BackfillBatchResult batch, int size, bool atMinimum)
    {
        var breach = Breach(batch);
        if (breach is null)
        {
            _inARow = 0;
            return SloVerdict.Within;
        }
        _inARow++;
        var (what, seen, bound) = breach.Value;
        var evidence = $"a batch of {size} rows {what} {Ms(seen)}, above the slo's {Ms(bound)}";
        if (!atMinimum && _inARow < BreachesBeforeStop)
            return new SloVerdict(SloAction.Throttle, Math.Max(1, (int)(size * (bound / seen) * 0.8)), $"{evidence}: throttled", null);
        var why = atMinimum ? "even at the smallest batch size" : $"{_inARow} batches in a row despite throttling";
        return new SloVerdict(SloAction.Stop, null, $"{evidence}, {why}",
            "run it when writers are fewer, lower min_batch_size, make the batch cheaper (an index for its WHERE, a trigger that fires only on the columns it maps), or relax the slo");
    }

    /// <summary>Judges one window of the writers' latency (rules 5–8) on the <paramref name="table"/> the backfill walks;
    /// <paramref name="size"/> is the batch size now, <paramref name="lastBatch"/> the last batch's time and
    /// <paramref name="pause"/> the pause the run keeps between batches now.</summary>
    public SloVerdict JudgeWriters(WriterLatencyWindow window, string table, int size, bool atMinimum, TimeSpan lastBatch, TimeSpan pause)
    {
        if (slo?.WriterP99Increase is not { } factor) return SloVerdict.Within;
        if (window.P99 <= factor * window.BaselineP99 || window.P99 - window.BaselineP99 < NegligibleRise.TotalMilliseconds)
        {
            _writerBreachesInARow = 0;
            return SloVerdict.Within;
        }
        _writerBreachesInARow++;
        var evidence = $"{window.Describe(table)}, above the slo's writer_p99_increase of {factor:0.##}x ({WriterP99Estimate.Method})";
        if (_writerBreachesInARow < BreachesBeforeStop && (!atMinimum || _pace is null))
        {
            // From the pause the run keeps (the plan's may be longer than any this guard set): doubling less would change nothing.
            var doubled = new[] { pause, _pace ?? TimeSpan.Zero }.Max() * 2;
            _pace = new[] { doubled, lastBatch, MinimumPace }.Max();
            return new SloVerdict(SloAction.Throttle, null, $"{evidence}: throttled", null) { CapAt = atMinimum ? null : Math.Max(1, size / 2), Pace = _pace };
        }
        var why = _writerBreachesInARow >= BreachesBeforeStop
            ? $"{_writerBreachesInARow} windows in a row despite throttling"
            : "even at the smallest batch size with pauses between batches";
        return new SloVerdict(SloAction.Stop, null, $"{evidence}, {why}",
            "run it when writers are fewer, lower min_batch_size, make the batch cheaper or narrower (an index for its WHERE, fewer rows a writer "
            + "wants per batch), raise pause_between_batches, or relax writer_p99_increase");
    }

    private (string What, TimeSpan Seen, TimeSpan Bound)? Breach(BackfillBatchResult batch)
    {
        if (slo?.LongestLockHold is { } hold && batch.Duration > hold) return ("held its locks for", batch.Duration, hold);
        if (slo?.LongestWriteBlock is { } block && batch.LongestWriterWait is { } wait && wait > block) return ("made a writer wait", wait, block);
        return null;
    }

    private static string Ms(TimeSpan t) => $"{t.TotalMilliseconds:F0} ms";
}
