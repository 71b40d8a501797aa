using Sluice.Migrations.Backfill;

namespace Sluice.Tests;

/// <summary><see cref="WriterLatencyWatch"/>: the baseline before the first batch, and the windows judged after it, on
/// readings given in turn (a source of the server's cumulative figures, as <c>pg_stat_statements</c> keeps them).</summary>
public sealed class WriterLatencyWatchTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly WriterLatencyOptions Quick = new(TimeSpan.FromMilliseconds(1), 3, 100, TimeSpan.Zero);

    /// <summary>Hands out the readings in order, then the last one again; counts the reads.</summary>
    private sealed class Readings(params WriterLatencyReading[] readings) : IWriterLatencySource
    {
        public int Reads { get; private set; }

        public Task<WriterLatencyReading> ReadAsync(string table, CancellationToken cancellationToken) =>
            Task.FromResult(readings[Math.Min(Reads++, readings.Length - 1)]);
    }

    /// <summary>A cumulative reading: one statement with <paramref name="calls"/> calls of 1 ms each, and another with
    /// <paramref name="slow"/> calls of 400 ms each.</summary>
    private static WriterLatencyReading Cumulative(long calls, int slow = 0) =>
        new(new Dictionary<string, StatementTimes>(StringComparer.Ordinal)
        {
            ["10/1"] = new(calls, calls, calls),
            ["10/2"] = new(slow, 400.0 * slow, 160_000.0 * slow),
        });

    [Fact]
    public async Task A_server_that_cannot_show_the_statistics_is_not_watched_and_says_why()
    {
        var source = new Readings(WriterLatencyReading.Unobserved("pg_stat_statements is not installed in database shop", "CREATE EXTENSION pg_stat_statements"));
        var (watch, why, remedy) = await WriterLatencyWatch.StartAsync(source, "customers", Quick, TimeProvider.System, Ct);
        Assert.Null(watch);
        Assert.Equal(("pg_stat_statements is not installed in database shop", "CREATE EXTENSION pg_stat_statements"), (why, remedy));
        Assert.Equal(1, source.Reads);
    }

    [Fact]
    public async Task A_table_nobody_writes_gives_up_after_one_window_and_a_quiet_one_after_the_last()
    {
        var idle = new Readings(Cumulative(5000), Cumulative(5000));
        var (none, why, _) = await WriterLatencyWatch.StartAsync(idle, "customers", Quick, TimeProvider.System, Ct);
        Assert.Null(none);
        Assert.Equal(2, idle.Reads);
        Assert.Contains("the writes on customers were too few to judge a p99 by: 0 writes in", why);

        var quiet = new Readings(Cumulative(5000), Cumulative(5010), Cumulative(5020), Cumulative(5030), Cumulative(9000));
        var (stillNone, quietWhy, remedy) = await WriterLatencyWatch.StartAsync(quiet, "customers", Quick, TimeProvider.System, Ct);
        Assert.Null(stillNone);
        Assert.Equal(4, quiet.Reads);   // the first, then three windows
        Assert.Contains("30 writes in", quietWhy);
        Assert.Contains("fewer than 100", quietWhy);
        Assert.False(string.IsNullOrWhiteSpace(remedy));
    }

    [Fact]
    public async Task The_baseline_waits_for_enough_writes_then_windows_of_enough_writes_are_judged()
    {
        var source = new Readings(Cumulative(1000), Cumulative(1050), Cumulative(1200),
            Cumulative(1250), Cumulative(1320, slow: 2),
            WriterLatencyReading.Unobserved("pg_stat_statements cannot be read: reset by an operator (55000)", "load it again"));
        var (watch, why, _) = await WriterLatencyWatch.StartAsync(source, "customers", Quick, TimeProvider.System, Ct);
        Assert.Null(why);
        Assert.Equal((200, 1.0, 0.0), (watch!.Baseline.Calls, watch.Baseline.MeanMilliseconds, watch.Baseline.StdDevMilliseconds));
        Assert.Equal(1.0, watch.BaselineP99);

        Assert.Null(await watch.NextAsync(Ct));   // 50 writes: the window goes on
        var window = await watch.NextAsync(Ct);   // 122 writes since the baseline, two of them 400 ms
        Assert.NotNull(window);
        Assert.Equal(122, window.Window.Calls);
        Assert.Equal(3, window.EstimateRule);
        Assert.True(window.Ratio > 100, $"{window.Ratio}");
        Assert.Equal((1, window.Ratio), (watch.Judged, watch.HighestRatio));
        Assert.Contains("judged in 1 window(s)", watch.Summary(2));

        Assert.Null(await watch.NextAsync(Ct));
        Assert.Contains("reset by an operator", watch.Lost);
        Assert.Null(await watch.NextAsync(Ct));   // not read again
        Assert.Equal(6, source.Reads);
    }
}
