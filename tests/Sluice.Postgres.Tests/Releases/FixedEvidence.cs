using Sluice.Gates;

namespace Sluice.Postgres.Tests.Releases;

/// <summary>
/// Evidence whose producers are built elsewhere or need more than one server: a verified snapshot's time (the
/// snapshot components' catalog), a rehearsal's time (the rehearsal component) and a lagging replica (streaming
/// replication). Plain values, so the gates' own decisions are what the tests check.
/// </summary>
internal sealed class FixedEvidence(DateTimeOffset? verified = null, DateTimeOffset? rehearsed = null, ReplicationState? replication = null)
    : IVerifiedSnapshotSource, IRehearsalEvidenceSource, IReplicationLagSource
{
    public Task<DateTimeOffset?> LatestVerifiedAsync(string environment, CancellationToken cancellationToken) => Task.FromResult(verified);

    public Task<DateTimeOffset?> LatestRehearsalAsync(string environment, string planHash, CancellationToken cancellationToken) => Task.FromResult(rehearsed);

    public Task<ReplicationState> ReadAsync(CancellationToken cancellationToken) => Task.FromResult(replication ?? new ReplicationState(0, null));
}
