using Sluice.Migrations.Backfill;
using Sluice.Migrations.Running;

namespace Sluice.Postgres.Tests.Migrations;

/// <summary>A pressure source a test steers: simulated replica lag for the first reads, or a gate to wait on.</summary>
internal sealed class TestPressure(Func<int, Task<BackfillPressure>> read) : IBackfillPressureSource
{
    private int _reads;

    public int Reads => Volatile.Read(ref _reads);

    public Task<BackfillPressure> ReadAsync(CancellationToken cancellationToken) => read(Interlocked.Increment(ref _reads));

    public static readonly BackfillPressure Calm = new(TimeSpan.Zero, 0);

    /// <summary>Reports <paramref name="lag"/> for the first <paramref name="laggingReads"/> reads, then none.</summary>
    public static TestPressure LaggingFor(int laggingReads, TimeSpan lag) =>
        new(n => Task.FromResult(n <= laggingReads ? new BackfillPressure(lag, 0) : Calm));

    /// <summary>Reports a lagging replica until <paramref name="release"/> completes.</summary>
    public static TestPressure LaggingUntil(Task release) =>
        new(_ => Task.FromResult(release.IsCompleted ? Calm : new BackfillPressure(TimeSpan.FromMinutes(1), 0)));
}

/// <summary>Keeps every report, in order, on the reporting thread.</summary>
internal sealed class RecordingProgress(Action<MigrationProgress>? onReport = null) : IProgress<MigrationProgress>
{
    private readonly List<MigrationProgress> _reports = [];

    public IReadOnlyList<MigrationProgress> Reports
    {
        get { lock (_reports) return [.. _reports]; }
    }

    public void Report(MigrationProgress value)
    {
        lock (_reports) _reports.Add(value);
        onReport?.Invoke(value);
    }
}
