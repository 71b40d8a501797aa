namespace Sluice.Migrations.Backfill;

/// <summary>What the database is suffering from right now: the worst replica's replay lag and sessions waiting on locks.</summary>
public sealed record BackfillPressure(TimeSpan? ReplicationLag, int LockWaiters);

/// <summary>Reads <see cref="BackfillPressure"/>; injectable so a test can simulate a lagging replica.</summary>
public interface IBackfillPressureSource
{
    Task<BackfillPressure> ReadAsync(CancellationToken cancellationToken);
}
