namespace Sluice.Migrations.Backfill;

/// <summary>
/// One statement shape's execution times as the server keeps them, cumulatively: calls, their total and the sum of
/// their squares. Two readings apart give a window's exact count, mean and standard deviation (never a percentile).
/// </summary>
public sealed record StatementTimes(long Calls, double TotalMilliseconds, double SumOfSquaresMilliseconds)
{
    /// <summary>From what <c>pg_stat_statements</c> shows: <c>calls</c>, <c>total_exec_time</c> and
    /// <c>stddev_exec_time</c> (a population deviation), so the sum of squares is calls·(σ² + mean²).</summary>
    public static StatementTimes FromMeanAndDeviation(long calls, double totalMilliseconds, double stdDevMilliseconds) =>
        new(calls, totalMilliseconds, calls <= 0 ? 0 : calls * stdDevMilliseconds * stdDevMilliseconds + totalMilliseconds * totalMilliseconds / calls);
}

/// <summary>
/// The cumulative times of the writes on one table at one moment, by statement (the key is the server's: role and
/// query id); or, with <see cref="Unobservable"/> set, why the server cannot show them and what would let it.
/// </summary>
public sealed record WriterLatencyReading(IReadOnlyDictionary<string, StatementTimes> Statements)
{
    /// <summary>Why the writers' latency cannot be read (the extension missing, not preloaded, not readable); null when it can.</summary>
    public string? Unobservable { get; init; }

    /// <summary>What would make it readable; set with <see cref="Unobservable"/>.</summary>
    public string? Remedy { get; init; }

    public static WriterLatencyReading Unobserved(string why, string remedy) =>
        new(new Dictionary<string, StatementTimes>(StringComparer.Ordinal)) { Unobservable = why, Remedy = remedy };
}

/// <summary>The writes of one window: how many, their mean and standard deviation (execution time, which includes the
/// time a write waited on a row lock), and how long the window was.</summary>
public sealed record WriterLatency(long Calls, double MeanMilliseconds, double StdDevMilliseconds, TimeSpan Span)
{
    /// <summary>
    /// The window between two readings: each statement's difference, pooled. A statement whose count went down was
    /// evicted and recorded again, or the statistics were reset: what it shows now all falls in the window. One present
    /// only before was evicted: its writes of the window are lost (the server keeps <c>pg_stat_statements.max</c>).
    /// </summary>
    public static WriterLatency Between(WriterLatencyReading before, WriterLatencyReading after, TimeSpan span)
    {
        long calls = 0;
        double total = 0, squares = 0;
        foreach (var (key, now) in after.Statements)
        {
            var delta = before.Statements.TryGetValue(key, out var then) && now.Calls >= then.Calls
                ? new StatementTimes(now.Calls - then.Calls, now.TotalMilliseconds - then.TotalMilliseconds, now.SumOfSquaresMilliseconds - then.SumOfSquaresMilliseconds)
                : now;
            calls += delta.Calls;
            total += delta.TotalMilliseconds;
            squares += delta.SumOfSquaresMilliseconds;
        }
        if (calls <= 0) return new WriterLatency(0, 0, 0, span);
        var mean = Math.Max(0, total / calls);
        // The difference of two large sums loses digits (a busy server's totals run to billions): a variance a hair
        // below zero is zero.
        var variance = Math.Max(0, squares / calls - mean * mean);
        return new WriterLatency(calls, mean, Math.Sqrt(variance), span);
    }

    public override string ToString() => $"{Calls} writes in {Span.TotalSeconds:F1} s";
}

/// <summary>Reads the writers' latency on a table from the live server; the domain knows no database, the providers do.</summary>
public interface IWriterLatencySource
{
    /// <summary>The cumulative times of the top-level writes (insert, update, delete, merge) on <paramref name="table"/>
    /// (as written in the plan), leaving out the migration's own statements; a reading that says why when the server
    /// cannot show them.</summary>
    Task<WriterLatencyReading> ReadAsync(string table, CancellationToken cancellationToken);
}
