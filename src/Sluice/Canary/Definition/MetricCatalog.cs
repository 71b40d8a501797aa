namespace Sluice.Canary.Definition;

/// <summary>
/// The metric sources a definition may name and what each measures. The sources report under these names, so a
/// definition is checked against the same list the sources answer to.
/// </summary>
public static class MetricCatalog
{
    public const string Router = "router";
    public const string Prometheus = "prometheus";
    public const string Database = "database";

    /// <summary>Errors per request (<c>Value</c>), requests (<c>Count</c>).</summary>
    public const string ErrorRate = "error_rate";

    /// <summary>Request latencies in ms (<c>Samples</c>), measured requests (<c>Count</c>).</summary>
    public const string Latency = "latency";

    /// <summary>Statements that ended in an error (SQLSTATE class 02 or above) per version.</summary>
    public const string SqlStateErrors = "sqlstate_errors";

    /// <summary>Lock waits longer than <c>deadlock_timeout</c> per version (the server's <c>log_lock_waits</c>).</summary>
    public const string LockWaits = "lock_waits";

    /// <summary>Deadlocks (SQLSTATE 40P01) per version.</summary>
    public const string Deadlocks = "deadlocks";

    /// <summary>The metrics of the sources with a fixed list; <c>prometheus</c> measures whatever its query says.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Fixed { get; } = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
    {
        [Router] = [ErrorRate, Latency],
        [Database] = [SqlStateErrors, LockWaits, Deadlocks],
    };

    /// <summary>Metrics that carry raw samples, so percentiles and the baseline comparison apply.</summary>
    public static bool HasSamples(string source, string metric) => source == Router && metric == Latency;

    public static IReadOnlyList<string> Sources { get; } = [Router, Prometheus, Database];
}
