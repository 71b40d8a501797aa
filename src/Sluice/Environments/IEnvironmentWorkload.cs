namespace Sluice.Environments;

/// <summary>
/// Background traffic on the environment's own tables while a release runs, shaped like the old application's: reads
/// and writes that change no value, so the phases meet real contention and what they block is measured, while the
/// data a verification compares stays as it was. Offered only where the database is on this machine (loopback).
/// </summary>
public interface IEnvironmentWorkload
{
    /// <summary>Starts it: at most <paramref name="perSecond"/> statements a second, for at most <paramref name="limit"/>;
    /// dispose the handle to stop it and read its figures.</summary>
    Task<IRunningWorkload> StartAsync(int perSecond, TimeSpan limit, CancellationToken cancellationToken);
}

/// <summary>A workload that runs until disposed or its time limit.</summary>
public interface IRunningWorkload : IAsyncDisposable
{
    /// <summary>What it did so far (final after disposal).</summary>
    WorkloadFigures Figures { get; }
}

/// <summary>What a concurrent workload did.</summary>
/// <param name="Statements">Statements that completed.</param>
/// <param name="Refused">Statements the database refused (a phase changed a table under them).</param>
/// <param name="Slowest">The longest statement; waits behind a phase's lock show here.</param>
public sealed record WorkloadFigures(int PerSecond, TimeSpan Ran, long Statements, long Refused, TimeSpan P50, TimeSpan P95, TimeSpan Slowest)
{
    /// <summary><c>workload: 812 statements (20/s cap) over 41.0 s beside the release, 0 refused; latency p50 1 ms, p95 4 ms, slowest 230 ms</c>.</summary>
    public string Describe() =>
        $"workload: {Statements:N0} statements ({PerSecond}/s cap) over {Ran.TotalSeconds:F1} s beside the release, {Refused:N0} refused; " +
        $"latency p50 {P50.TotalMilliseconds:F0} ms, p95 {P95.TotalMilliseconds:F0} ms, slowest {Slowest.TotalMilliseconds:F0} ms";
}
