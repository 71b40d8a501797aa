using Sluice.Migrations.Plans;

namespace Sluice.Gates;

/// <summary>Replicas keep up: the largest replay lag is under <c>limit</c> (a lagging replica would fall further behind).</summary>
public sealed class ReplicationLagGate(IReplicationLagSource source, TimeSpan limit) : IReleaseGate
{
    public string Name => "replication_lag";

    public async Task<GateResult> EvaluateAsync(GateContext context, CancellationToken cancellationToken)
    {
        var state = await source.ReadAsync(cancellationToken);
        if (state.Replicas == 0) return GateResult.Pass(Name, "no streaming replicas");
        var lag = state.MaxLag ?? TimeSpan.Zero;
        return lag <= limit
            ? GateResult.Pass(Name, $"{state.Replicas} replica(s), max replay lag {lag.TotalMilliseconds:F0} ms (limit {Durations.Format(limit)})")
            : GateResult.Fail(Name, $"{state.Replicas} replica(s), max replay lag {lag.TotalMilliseconds:F0} ms exceeds {Durations.Format(limit)}",
                "find what holds the replicas back (pg_stat_replication, long queries on them) and run again when they have caught up");
    }
}
