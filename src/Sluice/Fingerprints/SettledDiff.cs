namespace Sluice.Fingerprints;

/// <summary>
/// A diff of two live databases while writes are in flight between them (replication, a dual write, a copy job):
/// a row written on one side and not yet on the other is a mismatch for a moment only. So the keys a first diff finds
/// are re-checked by fresh diffs spread over <see cref="Window"/> (as AWS DMS validation waits out replication
/// latency), and only what differs in every pass is reported, with the window stated:
/// <code>
/// #  Found in the first pass                           Reported
/// 1  a key (missing, extra or changed)                 only if every later pass finds that key differing too, as the last pass saw it
/// 2  more keys than a pass can list (past its sample)  that table as the last pass saw it, said to be unsettled (its keys cannot be re-checked one by one)
/// 3  a table without a key that differs as a whole      only if it differs in every pass
/// 4  schema changes, tables on one side only            as the last pass saw them (they do not come and go with writes)
/// </code>
/// A pass that finds nothing left to re-check ends the wait early.
/// </summary>
/// <param name="Window">How long differences are given to settle.</param>
/// <param name="Rechecks">Diffs after the first, evenly spread over the window.</param>
public sealed record SettledDiff(TimeSpan Window, int Rechecks = 3)
{
    /// <summary>Keys a pass lists per kind and table, so that most in-flight differences can be re-checked by key.</summary>
    public const int KeysPerPass = 10_000;

    /// <summary>The options a pass runs with: <paramref name="options"/>, listing up to <see cref="KeysPerPass"/> keys.</summary>
    public static DiffOptions PassOptions(DiffOptions options) => options with { SampleLimit = Math.Max(options.SampleLimit, KeysPerPass) };

    public async Task<DiffReport> RunAsync(Func<CancellationToken, Task<DiffReport>> diff, CancellationToken cancellationToken, TimeProvider? time = null)
    {
        if (Window <= TimeSpan.Zero || Rechecks < 1) throw new ArgumentOutOfRangeException(nameof(Window), "a positive window and at least one re-check");
        var last = await diff(cancellationToken);
        var first = last;
        var suspects = Keys(last);
        var unkeyed = last.Tables.Where(t => t.WholeTableDiffers).Select(t => t.Source).ToHashSet(StringComparer.Ordinal);
        var passes = 1;
        while (passes <= Rechecks && (suspects.Count > 0 || unkeyed.Count > 0 || last.Tables.Any(Unsettled)))
        {
            await Task.Delay(Window / Rechecks, time ?? TimeProvider.System, cancellationToken);
            last = await diff(cancellationToken);
            passes++;
            suspects.IntersectWith(Keys(last));
            unkeyed.IntersectWith(last.Tables.Where(t => t.WholeTableDiffers).Select(t => t.Source));
        }
        var tables = last.Tables.Select(t => Unsettled(t) ? t : Persistent(t, suspects) with
        {
            WholeTableDiffers = t.WholeTableDiffers && unkeyed.Contains(t.Source),
        }).ToList();
        var report = last with { Tables = tables };
        var transient = Count(first) - Count(report);
        return report with { Settling = new DiffSettling(Window, passes, Math.Max(0, transient), [.. last.Tables.Where(Unsettled).Select(t => t.Source)]) };
    }

    // The keys of a table (listed whole: not unsettled) that differed in every pass.
    private static TableDiff Persistent(TableDiff table, HashSet<(string Table, RowKey Key)> suspects)
    {
        List<RowKey> Kept(IReadOnlyList<RowKey> keys) => [.. keys.Where(k => suspects.Contains((table.Source, k)))];
        var (missing, extra, changed) = (Kept(table.MissingSample), Kept(table.ExtraSample), Kept(table.ChangedSample));
        return table with
        {
            Missing = missing.Count, MissingSample = missing, Extra = extra.Count, ExtraSample = extra, Changed = changed.Count, ChangedSample = changed,
        };
    }

    private static bool Unsettled(TableDiff table) =>
        table.Missing > table.MissingSample.Count || table.Extra > table.ExtraSample.Count || table.Changed > table.ChangedSample.Count;

    private static HashSet<(string Table, RowKey Key)> Keys(DiffReport report) =>
        [.. report.Tables.SelectMany(t => t.MissingSample.Concat(t.ExtraSample).Concat(t.ChangedSample).Select(k => (t.Source, k)))];

    private static long Count(DiffReport report) => report.Tables.Sum(t => t.Missing + t.Extra + t.Changed + (t.WholeTableDiffers ? 1 : 0));
}

/// <summary>How a settled diff was re-checked.</summary>
/// <param name="Passes">Diffs run, the first included.</param>
/// <param name="Transient">Differences the first pass found that a later one no longer did (left out of the report).</param>
/// <param name="Unsettled">Tables with more differing keys than a pass lists, reported as the last pass saw them.</param>
public sealed record DiffSettling(TimeSpan Window, int Passes, long Transient, IReadOnlyList<string> Unsettled)
{
    public string Describe() =>
        $"settled over {Sluice.Migrations.Plans.Durations.Format(Window)} ({Passes} passes): {Transient:N0} transient difference(s) left out, reported are those in every pass"
        + (Unsettled.Count > 0 ? $"; too many keys to re-check one by one in {string.Join(", ", Unsettled)}: shown as last seen" : "");
}
