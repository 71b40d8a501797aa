using System.Globalization;
using Sluice.Errors;

namespace Sluice.Migrations.Plans;

/// <summary>
/// Reads a plan's <c>slo:</c> block strictly: known keys only (SLU021), each bound positive, the factor written as
/// <c>2x</c> or <c>2</c> and at least 1 (SLU250), at least one bound stated; then checks the phases against it.
/// </summary>
internal static class PlanSloReader
{
    public static PlanSlo Read(YamlMap map)
    {
        var lockHold = PositiveDuration(map, "longest_lock_hold");
        var writeBlock = PositiveDuration(map, "longest_write_block");
        double? factor = null;
        if (map.OptionalText("writer_p99_increase") is { } text)
        {
            var digits = text.EndsWith('x') ? text[..^1] : text;
            if (!double.TryParse(digits, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) || value < 1)
                throw map.Error(ErrorCodes.BadSlo, map.Node("writer_p99_increase")!, $"'writer_p99_increase' of the slo block is '{text}'",
                    "write how many times the writers' p99 may grow, at least 1: e.g. '2x' (twice the baseline)");
            factor = value;
        }
        if (lockHold is null && writeBlock is null && factor is null)
            throw SluiceException.Usage(ErrorCodes.BadSlo, "the slo block states no bound",
                $"state at least one of {string.Join(", ", PlanSlo.Keys)}, or remove the block", map.File, map.Line);
        return new PlanSlo(lockHold, factor, writeBlock, map.Line);
    }

    /// <summary>
    /// A plan that contradicts its own SLO is refused before it runs: a backfill aiming at batches longer than the
    /// lock-hold bound, or a phase whose <c>lock_timeout</c> lets a queued lock request block writers (they queue
    /// behind it) longer than the write-block bound.
    /// </summary>
    public static void Check(PlanSlo slo, IReadOnlyList<MigrationPhase> phases, string planFile)
    {
        foreach (var phase in phases)
        {
            if (slo.LongestLockHold is { } hold && phase is BackfillPhase { Backfill.TargetBatchTime: var target } && target > hold)
                throw SluiceException.Usage(ErrorCodes.BadSlo,
                    $"backfill phase '{phase.Name}' aims at {Durations.Format(target)} batches, above the slo's longest_lock_hold of {Durations.Format(hold)}",
                    $"lower its target_batch_time to at most {Durations.Format(hold)}, or raise longest_lock_hold", planFile, phase.Line);
            if (slo.LongestWriteBlock is { } block && phase.LockTimeout > block)
                throw SluiceException.Usage(ErrorCodes.BadSlo,
                    $"phase '{phase.Name}' waits up to {Durations.Format(phase.LockTimeout)} for its locks (lock_timeout), and writers queue behind a waiting lock: above the slo's longest_write_block of {Durations.Format(block)}",
                    $"lower its lock_timeout to at most {Durations.Format(block)} (with more retries), or raise longest_write_block", planFile, phase.Line);
        }
    }

    private static TimeSpan? PositiveDuration(YamlMap map, string key)
    {
        var value = map.OptionalDuration(key);
        if (value is { } duration && duration <= TimeSpan.Zero)
            throw map.Error(ErrorCodes.BadSlo, map.Node(key)!, $"'{key}' of the slo block is zero", "write a positive duration, e.g. 250ms");
        return value;
    }
}
