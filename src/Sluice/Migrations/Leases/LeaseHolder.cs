using Sluice.Migrations.Journal;

namespace Sluice.Migrations.Leases;

/// <summary>A lease row: who holds the environment, since when, and until when unless the heartbeat renews it.</summary>
public sealed record LeaseHolder(string Environment, RunnerIdentity Holder, DateTimeOffset AcquiredAt, DateTimeOffset HeartbeatAt, DateTimeOffset ExpiresAt);
