namespace Sluice.Migrations.Backfill;

/// <summary>
/// Picks the next batch size so a batch takes about the target time: proportional to how far the last batch was from
/// it, but never more than doubling or halving in one step (one slow batch from a checkpoint or autovacuum should not
/// collapse the size), and within the plan's bounds.
/// </summary>
public sealed class BatchSizer(TimeSpan target, int initial, int min, int max)
{
    public int Current { get; private set; } = Math.Clamp(initial, min, max);

    public int Next(int lastSize, TimeSpan lastDuration)
    {
        var ratio = lastDuration <= TimeSpan.Zero ? 2.0 : target / lastDuration;
        ratio = Math.Clamp(ratio, 0.5, 2.0);
        var next = (long)Math.Round(Math.Max(lastSize, 1) * ratio);
        Current = (int)Math.Clamp(next, min, max);
        return Current;
    }
}
