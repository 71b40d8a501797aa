using Sluice.Migrations.Journal;

namespace Sluice.Migrations.Leases;

/// <summary>A lease row: who holds the environment, since when, and until when unless the heartbeat renews it.</summary>
/// <param name="BackendPid">The PostgreSQL backend of the holder's lease session (null in rows written before the
/// journal recorded it).</param>
/// <param name="SessionGone">True when that backend no longer exists, so the next runner takes over at once; false
/// when it is still connected; null when it cannot be told (no recorded backend).</param>
public sealed record LeaseHolder(string Environment, RunnerIdentity Holder, DateTimeOffset AcquiredAt, DateTimeOffset HeartbeatAt, DateTimeOffset ExpiresAt,
    int? BackendPid = null, bool? SessionGone = null);
