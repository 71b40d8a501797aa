namespace Sluice.Migrations.Backfill;

/// <summary>How the writers' latency is watched around a backfill (the plan's <c>writer_p99_increase</c>).</summary>
/// <param name="BaselineWindow">How long the writes are watched before the first batch, for the baseline.</param>
/// <param name="BaselineWindows">How many such windows the baseline may take in all to reach <paramref name="MinimumWrites"/>.</param>
/// <param name="MinimumWrites">The fewest writes a window needs to be judged (a p99 of a few dozen writes is noise).</param>
/// <param name="ReadEvery">The least time between two readings during the backfill (a reading scans the server's statement statistics).</param>
public sealed record WriterLatencyOptions(TimeSpan BaselineWindow, int BaselineWindows, int MinimumWrites, TimeSpan ReadEvery)
{
    /// <summary>Five seconds of baseline (up to four times that on a quiet table), windows of at least 100 writes, read at most once a second.</summary>
    public static WriterLatencyOptions Default { get; } = new(TimeSpan.FromSeconds(5), 4, 100, TimeSpan.FromSeconds(1));
}

/// <summary>One judged window: the writes before the backfill and the writes of the window, with both p99 estimates
/// (<see cref="WriterP99Estimate"/>, the rule that gave the window's).</summary>
public sealed record WriterLatencyWindow(WriterLatency Baseline, double BaselineP99, WriterLatency Window, double P99, int EstimateRule)
{
    /// <summary>How many times the baseline's p99 the window's is (1 when the baseline's is zero and so is the rise).</summary>
    public double Ratio => BaselineP99 > 0 ? P99 / BaselineP99 : P99 > 0 ? double.PositiveInfinity : 1;

    /// <summary>The figures, for evidence: both p99s with the writes they rest on, and the ratio.</summary>
    public string Describe(string table) =>
        $"the writers' p99 on {table} rose to an estimated {P99:0.0##} ms over {Window}, from {BaselineP99:0.0##} ms over {Baseline} "
        + $"before the backfill ({Ratio:0.0#}x; means {Window.MeanMilliseconds:0.0##} and {Baseline.MeanMilliseconds:0.0##} ms, "
        + $"deviations {Window.StdDevMilliseconds:0.0##} and {Baseline.StdDevMilliseconds:0.0##} ms)";
}

/// <summary>
/// Watches the writers' latency on a backfill's table for its plan's <c>writer_p99_increase</c>. The baseline is a
/// short window just before the first batch, not the server's cumulative figures since its statistics were reset: the
/// bound is on what the backfill adds, and the writes just before it run at the same hour, load and plan as the writes
/// beside it, where the cumulative figures mix in months of other hours, other releases and other migrations (and
/// lose digits to their size). The price is a few seconds per backfill phase, paid only by plans that state the
/// bound (and a table nobody writes pays one window). A table with fewer than <see cref="WriterLatencyOptions.MinimumWrites"/>
/// writes in the longest baseline has no p99 to speak of: the bound is then not enforced, and the run says so.
/// </summary>
public sealed class WriterLatencyWatch
{
    private readonly IWriterLatencySource _source;
    private readonly string _table;
    private readonly WriterLatencyOptions _options;
    private readonly TimeProvider _time;
    private WriterLatencyReading _from;
    private long _fromAt;
    private long _readAt;

    private WriterLatencyWatch(IWriterLatencySource source, string table, WriterLatencyOptions options, TimeProvider time, WriterLatency baseline,
        WriterLatencyReading from, long at)
    {
        (_source, _table, _options, _time) = (source, table, options, time);
        Baseline = baseline;
        BaselineP99 = WriterP99Estimate.Baseline(baseline);
        (_from, _fromAt, _readAt) = (from, at, at);
    }

    /// <summary>The writes before the first batch.</summary>
    public WriterLatency Baseline { get; }

    /// <summary>The baseline's estimated p99, in milliseconds.</summary>
    public double BaselineP99 { get; }

    /// <summary>The windows judged so far.</summary>
    public int Judged { get; private set; }

    /// <summary>The highest ratio of a judged window's p99 to the baseline's.</summary>
    public double HighestRatio { get; private set; }

    /// <summary>For the backfill's closing journal event: how many windows were judged and the worst of them.</summary>
    public string Summary(double bound) => Judged == 0
        ? $"writers' p99 not judged: no window had {_options.MinimumWrites} writes"
        : $"writers' p99 judged in {Judged} window(s), at most {HighestRatio:0.0#}x the baseline's (slo {bound:0.##}x)";

    /// <summary>Why the watch stopped during the backfill (the server stopped showing the statistics); null while it watches.</summary>
    public string? Lost { get; private set; }

    /// <summary>
    /// Takes the baseline: reads, waits <see cref="WriterLatencyOptions.BaselineWindow"/>, reads again, and waits more
    /// (up to <see cref="WriterLatencyOptions.BaselineWindows"/> windows in all) while the writes are fewer than
    /// <see cref="WriterLatencyOptions.MinimumWrites"/>, unless the first window saw no write at all. Returns the watch,
    /// or why the bound cannot be enforced and the remedy.
    /// </summary>
    public static async Task<(WriterLatencyWatch? Watch, string? NotEnforced, string? Remedy)> StartAsync(IWriterLatencySource source, string table,
        WriterLatencyOptions options, TimeProvider time, CancellationToken cancellationToken)
    {
        var first = await source.ReadAsync(table, cancellationToken);
        if (first.Unobservable is { } why) return (null, why, first.Remedy);
        var started = time.GetTimestamp();
        for (var windows = 1; ; windows++)
        {
            await Task.Delay(options.BaselineWindow, time, cancellationToken);
            var now = await source.ReadAsync(table, cancellationToken);
            if (now.Unobservable is { } lost) return (null, lost, now.Remedy);
            var at = time.GetTimestamp();
            var baseline = WriterLatency.Between(first, now, time.GetElapsedTime(started, at));
            if (baseline.Calls >= options.MinimumWrites) return (new WriterLatencyWatch(source, table, options, time, baseline, now, at), null, null);
            // No write at all: nobody writes the table now (a drill's copy, a quiet hour), so waiting longer is waste.
            if (baseline.Calls == 0 || windows >= options.BaselineWindows)
                return (null, $"the writes on {table} were too few to judge a p99 by: {baseline} before the backfill, fewer than {options.MinimumWrites}",
                    "nothing to do while writers are this few: the bound protects busy tables; it is judged on the next run that sees enough writes");
        }
    }

    /// <summary>After a batch: the window since the last judged one, once <see cref="WriterLatencyOptions.ReadEvery"/>
    /// has passed since the last reading and the window holds <see cref="WriterLatencyOptions.MinimumWrites"/>; null
    /// otherwise (the window goes on). When the server stops showing the statistics, <see cref="Lost"/> says why.</summary>
    public async Task<WriterLatencyWindow?> NextAsync(CancellationToken cancellationToken)
    {
        if (Lost is not null || _time.GetElapsedTime(_readAt) < _options.ReadEvery) return null;
        var now = await _source.ReadAsync(_table, cancellationToken);
        _readAt = _time.GetTimestamp();
        if (now.Unobservable is { } why)
        {
            Lost = $"{why} ({now.Remedy})";
            return null;
        }
        var window = WriterLatency.Between(_from, now, _time.GetElapsedTime(_fromAt, _readAt));
        if (window.Calls < _options.MinimumWrites) return null;
        (_from, _fromAt) = (now, _readAt);
        var (p99, rule) = WriterP99Estimate.Window(Baseline, window);
        var judged = new WriterLatencyWindow(Baseline, BaselineP99, window, p99, rule);
        (Judged, HighestRatio) = (Judged + 1, Math.Max(HighestRatio, judged.Ratio));
        return judged;
    }
}
