using Sluice.Migrations.Plans;

namespace Sluice.Migrations.Backfill;

/// <summary>What <see cref="BackfillSloGuard"/> decided about one batch.</summary>
public enum SloAction
{
    /// <summary>The batch stayed within the plan's SLO.</summary>
    Within,
    /// <summary>It did not: run smaller batches.</summary>
    Throttle,
    /// <summary>It did not, and smaller batches cannot help: stop the phase (SLU251; Promote rolls it back).</summary>
    Stop,
}

/// <summary>The verdict on one batch: the action, the size to shrink to, what was seen against which bound, and what to do.</summary>
public sealed record SloVerdict(SloAction Action, int? ShrinkTo, string? Evidence, string? Remedy)
{
    public static readonly SloVerdict Within = new(SloAction.Within, null, null, null);
}

/// <summary>
/// Holds a backfill to its plan's <c>slo:</c> batch by batch, with the two bounds the live database shows: a batch's
/// lock hold (its transaction's time) against <c>longest_lock_hold</c>, and the longest wait of a writer blocked
/// behind it against <c>longest_write_block</c>. The rules, in order:
/// <list type="number">
/// <item>The plan states neither bound: within.</item>
/// <item>The batch stayed within both: within, and the count of breaches in a row starts again.</item>
/// <item>A breach while the batch size can still shrink and fewer than <see cref="BreachesBeforeStop"/> breaches came
/// in a row: throttle to the size that would have fit with a fifth to spare (size × bound / seen × 0.8).</item>
/// <item>A breach at the smallest batch size, or the <see cref="BreachesBeforeStop"/>th in a row: stop.</item>
/// </list>
/// </summary>
public sealed class BackfillSloGuard(PlanSlo? slo)
{
    /// <summary>Breaches in a row after which throttling has visibly failed.</summary>
    public const int BreachesBeforeStop = 3;

    private int _inARow;

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

    private (string What, TimeSpan Seen, TimeSpan Bound)? Breach(BackfillBatchResult batch)
    {
        if (slo?.LongestLockHold is { } hold && batch.Duration > hold) return ("held its locks for", batch.Duration, hold);
        if (slo?.LongestWriteBlock is { } block && batch.LongestWriterWait is { } wait && wait > block) return ("made a writer wait", wait, block);
        return null;
    }

    private static string Ms(TimeSpan t) => $"{t.TotalMilliseconds:F0} ms";
}
